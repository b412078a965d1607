"""Every figure on the supervisor page, checked against a small dataset computed by hand.

Customers who reached us and outreach the desk began are told apart: an outbound call list is
not customers waiting for a person, and an urgent chat never sinks below older, calmer mail."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import time_machine

from rapport.cases.actions.messages import reply
from rapport.cases.actions.status import change_status
from rapport.cases.models import Case, Initiative
from rapport.insights import selectors
from rapport.outreach.actions.incidents import create_incident
from rapport.outreach.actions.tasks import add_audience
from rapport.people.actions.customers import create_customer
from rapport.routing.actions.opening import open_case
from tests.conftest import World

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _case(world: World, *, at: timedelta, channel: str, text: str, due: timedelta) -> Case:
    with time_machine.travel(T0 + at, tick=False):
        case = open_case(customer=world.customer, subject="", channel=channel, text=text, by=None)
    Case.objects.filter(pk=case.pk).update(first_response_due_at=T0 + at + due)
    return case


def _answer(world: World, case: Case, *, at: timedelta) -> None:
    with time_machine.travel(T0 + at, tick=False):
        reply(case=case, text="Hello Maria, Ben here.", by=world.colleague)


def build(world: World) -> dict[str, Case]:
    # The fixture's logged call is from today, outside the window: closed, it plays no part.
    change_status(case=world.case, to="closed", by=world.agent)
    a = _case(
        world,
        at=timedelta(0),
        channel="email",
        text="Can I move Mila's jab?",
        due=timedelta(minutes=15),
    )
    b = _case(
        world,
        at=timedelta(minutes=20),
        channel="chat",
        text="Do you open on Sunday?",
        due=timedelta(minutes=5),
    )
    c = _case(
        world,
        at=timedelta(minutes=40),
        channel="email",
        text="Invoice question",
        due=timedelta(minutes=30),
    )
    _answer(world, a, at=timedelta(minutes=10))  # 10 min, due at 15: on time
    _answer(world, b, at=timedelta(minutes=24))  # 4 min, due at 5: on time
    _answer(world, c, at=timedelta(minutes=100))  # 60 min, due at 30: late
    calm = _case(
        world,
        at=timedelta(minutes=45),
        channel="email",
        text="When are your hours?",
        due=timedelta(hours=8),
    )
    urgent = _case(
        world,
        at=timedelta(minutes=50),
        channel="chat",
        text="Mila collapsed and is not breathing properly! I need to talk to a real person now",
        due=timedelta(minutes=5),
    )
    # Outreach the desk began: two passengers of a closed clinic, nobody reached yet.
    second = create_customer(name="Rosa Diaz", by=None, identities=[("phone", "+34 600 000 002")])
    with time_machine.travel(T0 + timedelta(minutes=30), tick=False):
        incident = create_incident(
            title="Clinic closed by a flood", team=world.clinic, by=world.supervisor
        )
        add_audience(incident=incident, customers=[world.customer, second], by=world.supervisor)
    return {"a": a, "b": b, "c": c, "calm": calm, "urgent": urgent}


def test_outreach_cases_are_started_by_the_desk(world: World) -> None:
    cases = build(world)
    desk = Case.objects.filter(initiative=Initiative.DESK)
    assert desk.count() == 2
    assert all(case.initiative == Initiative.CUSTOMER for case in cases.values())


def test_the_supervisor_page_shows_the_hand_computed_figures(world: World) -> None:
    cases = build(world)
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        html = world.client_for(world.supervisor).get("/supervisor/").content.decode()
    # Customer-started cases in the window: a, b, c, calm, urgent (not the two outreach cases).
    # Answered after 10, 4 and 60 minutes: median 10, 90th percentile 60; two of three on time.
    assert '<span id="tth-median">10.0</span>' in html
    assert '<span id="tth-p90">60.0</span>' in html
    assert "3 of 5 new cases answered by a person" in html
    assert "67% within their first-response deadline" in html
    assert "<li>chat: 4.0 min</li>" in html and "<li>email: 35.0 min</li>" in html
    # Waiting: the urgent chat first though it is the newest, then the calm mail; no outreach.
    waiting = re.search(r'<section class="card" id="waiting">(.*?)</section>', html, re.S)
    assert waiting is not None
    rows = re.findall(r'data-case-id="(\d+)"', waiting.group(1))
    assert rows == [str(cases["urgent"].pk), str(cases["calm"].pk)]
    assert "2 outbound cases (outreach the desk started) are open and counted apart" in html


def test_the_api_counts_only_what_customers_started(world: World) -> None:
    build(world)
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        stats = selectors.time_to_human(
            Case.objects.all(), since=T0 - timedelta(days=1), until=T0 + timedelta(hours=3)
        )
    assert (stats.cases, stats.answered, stats.median_minutes) == (5, 3, 10.0)
    assert stats.by_channel == {"chat": 4.0, "email": 35.0}
