"""The insights questions read a large desk without work per row that SQL could do once: no
week found by a function the database calls per row (on SQLite Django's `django_datetime_trunc`
is Python: 12 s of CPU for a year of customers' messages at 1M cases, bench/insights.py), and no
subquery run once per resolved case (personal touch's calls and hand-overs: 4.9 s for one week
on PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.cases.actions.messages import reply
from rapport.cases.models import Call, Case
from tests.conftest import World

WEEKLY = ("promises", "surveys", "sentiment")


@pytest.mark.parametrize("question", WEEKLY)
def test_weeks_are_found_without_a_per_row_time_zone_function(world: World, question: str) -> None:
    client = world.client_for(world.supervisor)
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(f"/api/v1/insights/{question}")
    assert answer.status_code == 200
    truncating = [q["sql"] for q in queries.captured_queries if "_trunc(" in q["sql"].lower()]
    assert truncating == []


def test_personal_touch_runs_no_subquery_per_resolved_case(world: World) -> None:
    reply(case=world.case, text="Hello Maria, Ana here.", by=world.agent)
    Case.objects.filter(pk=world.case.pk).update(
        status="resolved", resolved_at=world.case.created_at
    )
    Call.objects.create(
        case=world.case, customer=world.customer, agent=world.agent, direction="outbound"
    )
    client = world.client_for(world.supervisor)
    with CaptureQueriesContext(connection) as queries:
        answer = client.get("/api/v1/insights/personal-touch")
    assert answer.status_code == 200
    assert answer.json()["data"]["ownership"]["calls"] == 1
    correlated = 'U0."case_id" = ("cases_case"."id")'
    assert [q["sql"] for q in queries.captured_queries if correlated in q["sql"]] == []
