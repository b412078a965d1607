"""/care/calls/: the agent's calls today, in their own time, logged in one step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.care.actions.promises import follow_up_tomorrow, schedule_follow_up
from rapport.care.models import Promise, PromiseStatus
from rapport.cases.models import Call
from rapport.people.actions.customers import create_customer
from rapport.people.actions.notes import add_rapport_note
from rapport.routing.actions.opening import open_case
from tests.conftest import World
from tests.workspace.helpers import assert_login_required

NIGHT = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)
MORNING = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # 09:00 in Madrid


def test_lists_todays_calls_in_order_with_phone_notes_and_script(world: World) -> None:
    add_rapport_note(customer=world.customer, text="Puppy Mila, 10-week yellow lab", by=world.agent)
    with time_machine.travel(NIGHT, tick=False):
        later = follow_up_tomorrow(case=world.case, by=world.agent)  # 10:00 Madrid
        sooner = schedule_follow_up(
            case=world.case,
            by=world.agent,
            due_at=MORNING + timedelta(minutes=30),
            purpose="Lab results",
            script="Read the blood test results",
        )
        schedule_follow_up(
            case=world.case, by=world.agent, due_at=NIGHT + timedelta(days=3), purpose="Later"
        )
    with time_machine.travel(MORNING, tick=False):
        response = world.client_for(world.agent).get("/care/calls/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(f'data-promise-id="{sooner.pk}"') < html.index(
        f'data-promise-id="{later.pk}"'
    )
    assert "Later" not in html
    assert '<strong class="due-time">09:30</strong>' in html
    assert 'href="tel:+34612345678"' in html and "Puppy Mila, 10-week yellow lab" in html
    assert "Read the blood test results" in html and 'id="nav-calls" aria-current="page"' in html


def test_logging_the_call_and_outcome_in_one_post(world: World) -> None:
    with time_machine.travel(NIGHT, tick=False):
        promise = follow_up_tomorrow(case=world.case, by=world.agent)
    with time_machine.travel(MORNING + timedelta(hours=1), tick=False):
        response = world.client_for(world.agent).post(
            f"/care/promises/{promise.pk}/call/",
            {"outcome": "no_answer", "duration_minutes": "1", "next": "/care/calls/"},
        )
    assert response.status_code == 302 and response["Location"] == "/care/calls/"
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.OPEN and promise.attempts == 1
    assert Call.objects.get().duration_seconds == 60


def test_a_bad_outcome_is_refused_with_a_message(world: World) -> None:
    with time_machine.travel(NIGHT, tick=False):
        promise = follow_up_tomorrow(case=world.case, by=world.agent)
    client = world.client_for(world.agent)
    response = client.post(f"/care/promises/{promise.pk}/call/", {"outcome": "shrug"}, follow=True)
    assert "Outcome:" in response.content.decode()
    assert not Call.objects.exists()


def test_wrong_person_is_refused(world: World) -> None:
    with time_machine.travel(NIGHT, tick=False):
        promise = follow_up_tomorrow(case=world.case, by=world.agent)
    outsider = world.client_for(world.outsider)
    with time_machine.travel(MORNING, tick=False):
        assert (
            f'data-promise-id="{promise.pk}"' not in outsider.get("/care/calls/").content.decode()
        )
    response = outsider.post(f"/care/promises/{promise.pk}/call/", {"outcome": "reached_fine"})
    assert response.status_code == 404
    assert Promise.objects.get(pk=promise.pk).status == PromiseStatus.OPEN
    assert_login_required("/care/calls/")
    assert_login_required(f"/care/promises/{promise.pk}/call/", method="post")


def test_query_count_does_not_grow_with_the_list(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = world.client_for(world.agent)

    def add(start: int, count: int) -> None:
        for i in range(start, start + count):
            customer = create_customer(
                name=f"Owner {i}", by=world.agent, identities=[("phone", f"+3461200{i:04d}")]
            )
            add_rapport_note(customer=customer, text=f"Dog {i}", by=world.agent)
            case = open_case(
                customer=customer, subject=f"Visit {i}", channel="phone", text="Hi", by=world.agent
            )
            schedule_follow_up(
                case=case, by=world.agent, due_at=MORNING, purpose=f"Check {i}", now=NIGHT
            )

    with time_machine.travel(NIGHT, tick=False):
        add(0, 1)
    with time_machine.travel(MORNING, tick=False), CaptureQueriesContext(connection) as few:
        client.get("/care/calls/")
    with time_machine.travel(NIGHT, tick=False):
        add(1, 8)
    with (
        time_machine.travel(MORNING, tick=False),
        django_assert_max_num_queries(12),
        CaptureQueriesContext(connection) as many,
    ):
        html = client.get("/care/calls/").content.decode()
    assert html.count('class="case-row promise-row') == 9
    assert len(many.captured_queries) == len(few.captured_queries)
