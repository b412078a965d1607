"""A supervisor's report on the whole desk reads each table in its window without a case
subquery (bench/insights.py at 1M cases: SQLite answered `case_id IN (SELECT id FROM cases_case)`
by probing every case); narrowed to a team, the figures still count that team's cases only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.cases.actions.messages import reply
from tests.conftest import World

QUESTIONS = ("time-to-human", "promises", "surveys", "personal-touch", "sentiment")


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_whole_desk_has_no_case_subquery(world: World, question: str) -> None:
    reply(case=world.case, text="Hello Maria, Ana here.", by=world.agent)
    client = world.client_for(world.supervisor)
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(f"/api/v1/insights/{question}")
    assert answer.status_code == 200
    subquery = 'IN (SELECT "cases_case"."id" FROM "cases_case")'
    subqueries = [q["sql"] for q in queries.captured_queries if subquery in q["sql"]]
    assert subqueries == []


def test_a_team_filter_still_narrows_replies(world: World) -> None:
    reply(case=world.case, text="Hello Maria, Ana here.", by=world.agent)
    client = world.client_for(world.supervisor)
    everyone = client.get("/api/v1/insights/personal-touch").json()
    dental = client.get(f"/api/v1/insights/personal-touch?team={world.dental.pk}").json()
    assert everyone != dental
    assert "Hello" not in str(dental)
