"""The time-to-human question against a dataset computed by hand (tests/insights/dataset.py),
through the page, its CSV and the API; the day buckets across a DST change in the desk's zone."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.cases.models import Case
from rapport.routing.actions.opening import open_case
from rapport.routing.escalation import sweep
from tests.api.conftest import ApiClient
from tests.conftest import World
from tests.insights.dataset import NOW, build

PAGE = "/supervisor/insights/time-to-human/"
DAY = {"since": "2026-11-20", "until": "2026-11-20"}


def _api(world: World, **params: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        return ApiClient(world.token_for(world.supervisor)).get("/insights/time-to-human", **params)


def _table(body: dict[str, Any], name: str) -> list[list[Any]]:
    return next(t["rows"] for t in body["tables"] if t["name"] == name)


def test_the_figures_match_the_hand_computed_dataset(world: World) -> None:
    build(world)
    with time_machine.travel(NOW, tick=False):
        sweep(now=NOW)  # f's deadline passed: one missed deadline recorded
    body = _api(world, **DAY).json()
    # Answered waits 4, 10, 60, 300 min: median (10 + 60) / 2, p90 at rank ceil(3.6) = 4.
    assert (body["cases"], body["answered"]) == (6, 4)
    assert (body["median_minutes"], body["p90_minutes"]) == (35.0, 300.0)
    assert body["within_target"] == 0.5
    assert body["by_channel"] == {"chat": 4.0, "email": 35.0, "phone": 300.0}
    assert _table(body, "by-channel") == [
        ["Email", 2, 35.0, 60.0],
        ["Chat", 1, 4.0, 4.0],
        ["Phone", 1, 300.0, 300.0],
    ]
    assert _table(body, "by-priority") == [["High", 1, 300.0, 300.0], ["Normal", 3, 10.0, 60.0]]
    assert _table(body, "distribution") == [
        ["under 5 min", 1],
        ["5-15 min", 1],
        ["15-60 min", 0],
        ["1-4 h", 1],
        ["4-24 h", 1],
        ["1-3 days", 0],
        ["3 days or more", 0],
    ]
    assert _table(body, "first-response") == [
        ["answered by the deadline", 2],
        ["answered late", 2],
        ["answered, no deadline set", 0],
        ["not answered, past the deadline", 1],
        ["not answered yet, deadline to come", 1],
    ]
    assert _table(body, "next-response") == [
        ["past the deadline now", 1],
        ["due within the hour", 0],
        ["due later", 1],
        ["nothing owed (answered, or waiting on the customer)", 4],
    ]
    assert _table(body, "backlog") == [
        ["under 1 h", 1],
        ["1-4 h", 1],
        ["4-24 h", 4],
        ["1-3 days", 0],
        ["3-7 days", 0],
        ["a week or more", 0],
    ]
    assert _table(body, "over-time") == [["2026-11-20", 6, 4]]
    figures = {f["key"]: f["value"] for f in body["figures"]}
    assert figures["missed_deadlines"] == 1 and figures["waiting_now"] == 2


def test_filters_narrow_the_cases(world: World) -> None:
    build(world)
    only_dental = _api(world, team=world.dental.pk, **DAY).json()
    assert (only_dental["cases"], only_dental["median_minutes"]) == (1, 300.0)
    assert only_dental["filters"] == {"team": str(world.dental.pk), **DAY}
    nobodys = _api(world, agent=world.agent.pk, **DAY).json()
    assert (nobodys["cases"], nobodys["answered"], nobodys["median_minutes"]) == (0, 0, None)
    # The site is the owner's: Ben has none, so the night clinic's figures are empty.
    assert _api(world, site=world.night_site.pk, **DAY).json()["cases"] == 0


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"since": "yesterday"}, "since", "is not a date"),
        ({"until": "2026-02-30"}, "until", "is not a date"),
        ({"since": "2026-11-21", "until": "2026-11-20"}, "until", "after since"),
        # A row per week for 300 years was 15,654 rows and 8.7 MB (a tester's request).
        ({"since": "1900-01-01", "until": "2199-12-31"}, "since", "at most five years"),
        ({"since": "1900-01-01"}, "since", "at most five years"),
        ({"team": "999999"}, "team", "no team with id 999999"),
        ({"agent": "12abc"}, "agent", ""),
    ],
)
def test_a_bad_filter_is_a_400_page_saying_which(
    world: World, params: dict[str, str], field: str, words: str
) -> None:
    page = world.client_for(world.supervisor).get(PAGE, params)
    assert page.status_code == 400
    html = page.content.decode()
    assert f"<strong>{field}</strong>:" in html and words in html
    api = _api(world, **params)
    assert api.status_code == 422 and api.json()["error"]["field"] == field


def test_the_page_shows_figures_charts_and_tables(world: World) -> None:
    build(world)
    with time_machine.travel(NOW, tick=False):
        page = world.client_for(world.supervisor).get(PAGE, DAY)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="figure-median_minutes"' in html and "35.0 min" in html
    assert html.count('role="img"') == 5 and "<title>How long customers waited" in html
    assert ' style="' not in html  # the CSP forbids inline style
    assert (
        'href="?since=2026-11-20&amp;until=2026-11-20&amp;format=csv&amp;table=by-channel"' in html
    )
    assert world.client_for(world.agent).get(PAGE).status_code == 404


def test_every_table_downloads_as_csv_with_a_header_row(world: World) -> None:
    build(world)
    with time_machine.travel(NOW, tick=False):
        got = world.client_for(world.supervisor).get(
            PAGE, {**DAY, "format": "csv", "table": "by-channel"}
        )
        missing = world.client_for(world.supervisor).get(PAGE, {"format": "csv", "table": "x"})
    assert got["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in got["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(got.content.decode())))
    assert rows == [
        ["channel", "cases answered", "p50 minutes", "p90 minutes"],
        ["Email", "2", "35.0", "60.0"],
        ["Chat", "1", "4.0", "4.0"],
        ["Phone", "1", "300.0", "300.0"],
    ]
    assert missing.status_code == 400 and "No table named" in missing.content.decode()


def _queries(world: World) -> int:
    client = world.client_for(world.supervisor)
    client.get(PAGE, DAY)  # the session and the sign-in, warm
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as seen:
        assert client.get(PAGE, DAY).status_code == 200
    return len(seen)


def _api_queries(world: World) -> int:
    api = ApiClient(world.token_for(world.supervisor))
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as seen:
        assert api.get("/insights/time-to-human", **DAY).status_code == 200
    return len(seen)


def test_the_page_and_the_api_make_a_fixed_number_of_queries(world: World) -> None:
    """Page: the session, user, device and agent; the unread notifications; the four filter
    lists; five for the question (window counts, the percentiles at once, live counts, missed
    deadlines, per day). API: the token and its last use; the question's five. With no wait
    in the window there is nothing to rank: four."""
    assert (_queries(world), _api_queries(world)) == (13, 6)
    build(world)
    assert (_queries(world), _api_queries(world)) == (14, 7)


@pytest.mark.parametrize(
    ("zone", "days"),
    [
        ("Europe/Madrid", [["2026-10-24", 0, 0], ["2026-10-25", 2, 0], ["2026-10-26", 1, 0]]),
        ("UTC", [["2026-10-24", 1, 0], ["2026-10-25", 2, 0], ["2026-10-26", 0, 0]]),
    ],
)
def test_day_buckets_are_the_desks_days_across_the_dst_change(
    world: World, settings: Any, zone: str, days: list[list[Any]]
) -> None:
    """Madrid leaves summer time at 03:00 on 25 October 2026: 22:30 UTC is 00:30 on the 25th
    the night before, and 23:30 on the 25th itself the night after."""
    settings.TIME_ZONE = zone
    for stamp in ("2026-10-24T22:30", "2026-10-25T22:30", "2026-10-25T23:30"):
        at = datetime.fromisoformat(stamp).replace(tzinfo=UTC)
        with time_machine.travel(at, tick=False):
            open_case(customer=world.customer, subject="", channel="email", text="Hi", by=None)
    body = _api(world, since="2026-10-24", until="2026-10-26").json()
    assert _table(body, "over-time") == days
    if zone == "Europe/Madrid":
        # Midnight of the 24th is CEST (+02:00); midnight after the 26th is CET (+01:00).
        assert body["since"] == "2026-10-23T22:00:00Z"
        assert body["until"] == "2026-10-26T23:00:00Z"


def test_a_site_and_an_agent_read_their_owners_cases_in_the_same_queries(world: World) -> None:
    """Ben (the owner of a, b, c and e) works at the night clinic; d is handed to Olga, who has
    no site; f has no owner. Read live (no kept day in the window), in the API's eight queries:
    the token and its last use (written once in a while: the second call reads it only), the
    site or agent filtered by, the question's five."""
    desk = build(world)
    world.colleague.site = world.night_site
    world.colleague.save(update_fields=["site"])
    Case.objects.filter(pk=desk.d.pk).update(owner=world.outsider)
    api = ApiClient(world.token_for(world.supervisor))
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as seen:
        site = api.get("/insights/time-to-human", site=world.night_site.pk, **DAY).json()
    assert len(seen) == 8
    # Waits a 10, b 4 and c 60 min; e not answered, its deadline to come: median 10, p90 at
    # rank ceil(2.7) = 3, 60 min; a and b on time.
    assert (site["cases"], site["answered"]) == (4, 3)
    assert (site["median_minutes"], site["p90_minutes"]) == (10.0, 60.0)
    assert (site["within_target"], site["kept_days"]) == (0.667, 0)
    assert _table(site, "by-channel") == [["Email", 2, 35.0, 60.0], ["Chat", 1, 4.0, 4.0]]
    assert _table(site, "by-priority") == [["Normal", 3, 10.0, 60.0]]
    assert [n for _, n in _table(site, "distribution")] == [1, 1, 0, 1, 0, 0, 0]
    assert [n for _, n in _table(site, "first-response")] == [2, 1, 0, 0, 1]
    assert _table(site, "over-time") == [["2026-11-20", 4, 3]]
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as seen:
        olga = api.get("/insights/time-to-human", agent=world.outsider.pk, **DAY).json()
    assert len(seen) == 7
    assert (olga["cases"], olga["answered"], olga["median_minutes"]) == (1, 1, 300.0)
    assert _table(olga, "by-priority") == [["High", 1, 300.0, 300.0]]
    assert [n for _, n in _table(olga, "first-response")] == [0, 1, 0, 0, 0]
