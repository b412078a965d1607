"""A message split off into a case of its own is opened like any case: triaged, owned, given
deadlines, and escalated when they pass."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from rapport.cases.models import CaseEvent, Notification, Priority
from rapport.routing.actions.opening import open_case, receive_message, split_message
from rapport.routing.escalation import sweep
from tests.conftest import World

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SPLIT_AT = START + timedelta(hours=1)


def test_a_split_case_is_triaged_given_deadlines_and_escalated(world: World) -> None:
    with time_machine.travel(START, tick=False):
        case = open_case(
            customer=world.customer, subject="", channel="email", text="Mila's vaccine?", by=None
        )
    with time_machine.travel(START + timedelta(minutes=10), tick=False):
        upset = receive_message(
            case=case, channel="email", text="This is unacceptable, I paid for express delivery"
        )
    with time_machine.travel(SPLIT_AT, tick=False):
        split = split_message(message=upset, by=world.agent, subject="Express delivery")
    split.refresh_from_db()
    assert split.owner_id == case.owner_id and split.team_id == case.team_id
    # Triage read the message it was opened with, and its own words only: no loop with itself.
    assert set(split.triage["signals"]) == {"upset"}
    assert split.priority == Priority.HIGH
    # Deadlines from the moment the desk opened it, tight for an upset customer (high: 1 h / 1 d).
    assert split.first_response_due_at == SPLIT_AT + timedelta(minutes=30)
    assert split.next_response_due_at == SPLIT_AT + timedelta(minutes=30)
    assert split.resolution_due_at == SPLIT_AT + timedelta(hours=12)
    opened = CaseEvent.objects.get(case=split, kind="opened")
    assert opened.after["split_from"] == case.pk and opened.after["message"] == upset.pk
    assert opened.actor_id == world.agent.pk
    # The escalation sweep warns its owner, then escalates it when the deadline passes.
    assert split.pk in sweep(now=SPLIT_AT + timedelta(minutes=20)).warned
    assert split.pk in sweep(now=SPLIT_AT + timedelta(minutes=31)).breached
    assert CaseEvent.objects.filter(case=split, kind="sla_breached").count() == 1
    assert Notification.objects.filter(case=split, kind="sla_breached").exists()
