"""The promises, surveys, personal-touch and sentiment questions through the web page, its CSV
downloads and the API: the same figures, the desk's zone for the weeks, fixed query counts, and
supervisors only. Datasets: the hand-counted fortnight of each selector's tests (Madrid, across
the end of summer time)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.cases.models import Case, Message
from rapport.insights.questions import QUESTIONS
from rapport.insights.report import Scope
from rapport.insights.rollups import Keys
from tests.api.conftest import ApiClient
from tests.conftest import World
from tests.insights.test_personal_touch_figures import written
from tests.insights.test_promises_figures import MADRID, NOW, SINCE, UNTIL, fortnight, utc
from tests.insights.test_sentiment_figures import moods
from tests.insights.test_survey_figures import answers

PERIOD = {"since": "2026-10-19", "until": "2026-11-01"}  # two weeks of Monday to Sunday
# The question's own queries (each selector's docstring); the page adds 9: 4 to authenticate,
# 1 for notifications, 4 for the filters' choices.
# sentiment: the kept days (none built here: rapport/insights/rollups.py) and three live
# queries; two more read the kept days when there are some (tests/insights/test_rollups.py).
QUERIES = {"promises": 6, "surveys": 4, "personal-touch": 4, "sentiment": 4}
__all__ = ["answers", "fortnight", "moods"]  # fixtures, used by name


@pytest.fixture(autouse=True)
def _madrid(settings: Any) -> None:
    settings.TIME_ZONE = "Europe/Madrid"


def _api(world: World, question: str, **params: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        response = ApiClient(world.token_for(world.supervisor)).get(
            f"/insights/{question}", **{**PERIOD, **params}
        )
    assert response.status_code == 200, response.content
    return response.json()


def _figures(body: dict[str, Any]) -> dict[str, Any]:
    return {f["key"]: f["value"] for f in body["figures"]}


def _csv(world: World, question: str, table: str) -> list[list[str]]:
    """The clinic's table, as the page downloads it."""
    params: dict[str, str | int] = {
        **PERIOD,
        "team": world.clinic.pk,
        "format": "csv",
        "table": table,
    }
    with time_machine.travel(NOW, tick=False):
        response = world.client_for(world.supervisor).get(
            f"/supervisor/insights/{question}/", params
        )
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_promises_kept(fortnight: World) -> None:
    body = _api(fortnight, "promises", team=fortnight.clinic.pk)
    figures = _figures(body)
    assert figures["due"] == 5 and figures["on_time"] == 0.333
    assert figures["follow_ups_on_time"] == 0.5 and figures["callbacks_in_window"] == 0.0
    assert figures["referrals_acknowledged"] is None  # still in time: not yet settled
    assert body["data"]["by_kind"]["follow_up"]["unkept"] == 1
    weeks = _csv(fortnight, "promises", "by-week")
    assert weeks[0][0] == "week from"
    assert [row[:2] for row in weeks[1:]] == [["2026-10-19", "1"], ["2026-10-26", "4"]]


def test_surveys_and_word_of_mouth(answers: World) -> None:
    figures = _figures(_api(answers, "surveys", team=answers.clinic.pk))
    assert figures["csat"] == 0.5 and figures["nps"] == 0.0
    assert figures["response_rate"] == 0.833 and figures["called_back_in_24h"] == 0.5
    weeks = _csv(answers, "surveys", "by-week")
    assert [row[:3] for row in weeks[1:]] == [["2026-10-19", "1", "1"], ["2026-10-26", "5", "4"]]


def test_personal_touch(world: World) -> None:
    Message.objects.filter(case=world.case).delete()
    written(world.case, world.agent, utc(10, 20, 9))
    written(world.case, world.colleague, utc(10, 21, 9), unchanged=True)
    written(world.case, None, utc(10, 22, 9))
    written(world.case, world.colleague, utc(10, 23, 9), channel="chat")
    body = _api(world, "personal-touch")
    figures = _figures(body)
    assert figures["replies"] == 4 and figures["by_hand"] == 0.5 and figures["signed"] == 0.5
    assert body["data"]["replies"]["chat_by_person"] == 1
    rows = _csv(world, "personal-touch", "replies")
    assert rows[1] == ["written by hand", "2", "50.0"]


def test_sentiment(moods: World) -> None:
    body = _api(moods, "sentiment", team=moods.clinic.pk)
    figures = _figures(body)
    assert figures["messages"] == 6 and figures["upset"] == 0.5
    assert figures["top_upset_reason"] == "anger"
    assert body["data"]["upset_reasons"][0] == {"kind": "anger", "messages": 2, "share": 66.7}
    assert _csv(moods, "sentiment", "upset-reasons")[1] == ["anger", "2", "66.7"]


@pytest.mark.parametrize("question", QUERIES)
def test_each_page_in_a_fixed_number_of_queries(
    question: str, fortnight: World, answers: World, moods: World
) -> None:
    client = fortnight.client_for(fortnight.supervisor)
    page = f"/supervisor/insights/{question}/"

    def count(**params: str) -> tuple[int, str]:
        with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as seen:
            response = client.get(page, {**PERIOD, **params})
        assert response.status_code == 200
        return len(seen), response.content.decode()

    everyone, html = count()
    assert everyone == 9 + QUERIES[question]
    clinic, _ = count(team=str(fortnight.clinic.pk))
    dental, _ = count(team=str(fortnight.dental.pk))  # next to nothing there: as many queries
    assert clinic == dental
    assert 'role="img"' in html and "Download CSV" in html
    agent = fortnight.client_for(fortnight.agent)
    assert agent.get(page).status_code == 404
    refused = ApiClient(fortnight.token_for(fortnight.agent)).get(f"/insights/{question}")
    assert refused.status_code == 404


@pytest.mark.parametrize("question", QUERIES)
def test_the_whole_desk_is_read_without_a_case_subquery(question: str, fortnight: World) -> None:
    """SQLite answers `case_id IN (SELECT id FROM cases_case)` by probing every case (2.5 s for
    a week of replies at 1M cases, bench/insights.py): for the whole desk it is left out."""
    scope = Scope(
        cases=Case.objects.all(),
        since=SINCE,
        until=UNTIL,
        zone=MADRID,
        now=NOW,
        filters={},
        kept=Keys(),
    )
    with CaptureQueriesContext(connection) as seen:
        QUESTIONS[question].build(scope)
    assert len(seen) == QUERIES[question]
    every_case = re.compile(r'_id" IN \(SELECT [^()]* FROM "cases_case"( U\d+)?\)')
    assert not [q["sql"] for q in seen if every_case.search(q["sql"])]
