"""Logging the call: kept, kept late, rescheduled on no answer, reopening when help is needed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from rapport.care.actions.promises import cancel_promise, follow_up_tomorrow, log_promise_call
from rapport.care.models import Promise, PromiseStatus
from rapport.cases.actions.status import change_status, resolve_case
from rapport.cases.models import Call, Case, Status
from rapport.lib.errors import ActionError
from tests.conftest import World

NIGHT = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)
DUE = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def scheduled(world: World) -> Promise:
    with time_machine.travel(NIGHT, tick=False):
        return follow_up_tomorrow(case=world.case, by=world.agent)


def test_no_answer_reschedules_the_next_day_same_local_time(world: World) -> None:
    promise = scheduled(world)
    with time_machine.travel(DUE + timedelta(minutes=3), tick=False):
        again = log_promise_call(promise=promise, by=world.agent, outcome="no_answer")
    assert again.status == PromiseStatus.OPEN and again.attempts == 1
    assert again.due_at == DUE + timedelta(days=1) and again.reminded_at is None
    assert again.miss_at == again.due_at + timedelta(hours=2)
    assert Call.objects.get(case=world.case).outcome == "no_answer"


def test_reached_and_kept_late(world: World) -> None:
    promise = scheduled(world)
    with time_machine.travel(DUE + timedelta(minutes=40), tick=False):
        kept = log_promise_call(
            promise=promise, by=world.agent, outcome="reached_fine", duration_seconds=120
        )
    assert kept.status == PromiseStatus.KEPT and kept.late and kept.attempts == 1
    with pytest.raises(ActionError):
        log_promise_call(promise=promise, by=world.agent, outcome="reached_fine")
    with pytest.raises(ActionError):
        cancel_promise(promise=promise, by=world.agent, reason="changed my mind")


def test_needs_more_help_reopens_a_resolved_case(world: World) -> None:
    resolve_case(case=world.case, by=world.agent)
    promise = scheduled(world)
    with time_machine.travel(DUE, tick=False):
        log_promise_call(
            promise=promise, by=world.agent, outcome="reached_needs_help", notes="Still coughing"
        )
    world.case.refresh_from_db()
    assert world.case.status == Status.OPEN


def test_needs_more_help_on_a_closed_case_opens_a_new_one(world: World) -> None:
    promise = scheduled(world)
    change_status(case=world.case, to=Status.CLOSED, by=world.agent)
    with time_machine.travel(DUE, tick=False):
        log_promise_call(
            promise=promise, by=world.agent, outcome="reached_needs_help", notes="Rash now"
        )
    new = Case.objects.exclude(pk=world.case.pk).get()
    assert new.subject == "Follow-up: Puppy coughing at night" and new.owner_id == world.agent.pk
    assert new.messages.get().text == "Rash now"


def test_cancel_needs_a_reason(world: World) -> None:
    promise = scheduled(world)
    with pytest.raises(ActionError) as refused:
        cancel_promise(promise=promise, by=world.agent, reason=" ")
    assert refused.value.field == "reason"
    assert cancel_promise(promise=promise, by=world.agent, reason="Moved away").status == (
        PromiseStatus.CANCELLED
    )


def test_an_unknown_outcome_is_refused_before_anything_is_logged(world: World) -> None:
    promise = scheduled(world)
    with pytest.raises(ActionError) as refused:
        log_promise_call(promise=promise, by=world.agent, outcome="maybe")
    assert refused.value.field == "outcome" and not Call.objects.exists()
