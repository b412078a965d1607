"""Working an outreach task: the call and its outcome in one step, a personal message."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from rapport.cases.models import Call, CaseEvent, Message, Status
from rapport.lib.errors import ActionError, Conflict
from rapport.outreach.actions.incidents import create_incident
from rapport.outreach.actions.tasks import (
    add_audience,
    draft_text,
    log_outreach_call,
    record_outreach_result,
    send_outreach_message,
)
from rapport.outreach.models import OutreachStatus, OutreachTask
from rapport.outreach.selectors import board
from rapport.people.actions.customers import create_customer
from tests.conftest import World


def _task(world: World, **incident: Any) -> OutreachTask:
    made = create_incident(
        title="Clinic closed by a flood", team=world.clinic, by=world.supervisor, **incident
    )
    add_audience(incident=made, customers=[world.customer], by=world.supervisor)
    return OutreachTask.objects.select_related("case", "incident", "customer").get(incident=made)


def test_a_reached_call_logs_the_call_records_the_outcome_and_resolves_the_case(
    world: World,
) -> None:
    task = _task(world)
    assert task.owner == world.colleague  # Maria's own vet

    done = log_outreach_call(
        task=task,
        by=world.colleague,
        call_outcome="reached",
        outcome="rebooked",
        notes="Moved Mila's check-up to Thursday 10:00",
        duration_seconds=240,
        expected="not_yet",
    )

    assert (done.status, done.outcome, done.attempts) == ("reached", "rebooked", 1)
    call = Call.objects.get(case=task.case)
    assert call.outcome == "reached" and call.agent == world.colleague
    task.case.refresh_from_db()
    assert task.case.status == Status.RESOLVED
    event = CaseEvent.objects.get(case=task.case, kind="outreach")
    assert event.after["status"] == "reached" and event.before["status"] == "not_yet"
    assert board(task.incident).overall["reached"] == 1
    assert board(task.incident).outcomes["rebooked"] == 1


def test_reached_needs_an_outcome_and_stale_pages_are_refused(world: World) -> None:
    task = _task(world)
    with pytest.raises(ActionError, match="how it ended"):
        log_outreach_call(task=task, by=world.colleague, call_outcome="reached")
    assert not Call.objects.filter(case=task.case).exists()  # nothing half-done
    log_outreach_call(task=task, by=world.colleague, call_outcome="no_answer")
    with pytest.raises(Conflict, match="someone else"):
        log_outreach_call(task=task, by=world.agent, call_outcome="voicemail", expected="not_yet")


def test_not_reached_after_the_last_attempt_is_failed_and_can_still_be_reached(
    world: World,
) -> None:
    task = _task(world, max_attempts=2)
    first = log_outreach_call(task=task, by=world.colleague, call_outcome="no_answer")
    assert (first.status, first.attempts) == ("attempted", 1)
    second = log_outreach_call(task=task, by=world.colleague, call_outcome="voicemail")
    assert (second.status, second.attempts) == ("failed", 2)
    # They call back the next day.
    later = record_outreach_result(
        task=task, by=world.agent, status="reached", outcome="declined", note="Called back"
    )
    assert later.status == "reached" and later.outcome == "declined"
    with pytest.raises(ActionError, match="why"):
        record_outreach_result(task=_task_for_other(world), by=world.agent, status="failed")


def _task_for_other(world: World) -> OutreachTask:
    other = create_customer(name="Otto", by=None, identities=[("email", "otto@example.com")])
    incident = OutreachTask.objects.first()
    assert incident is not None
    add_audience(incident=incident.incident, customers=[other], by=world.supervisor)
    return OutreachTask.objects.get(customer=other)


def test_the_message_is_the_agents_own_and_signed_by_them(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    task = _task(world, message_draft="Hi {name}, it's {agent}. {title}: we're sorry.")
    draft = draft_text(task, world.colleague)
    assert draft == "Hi Maria, it's Dr. Ben Hale. Clinic closed by a flood: we're sorry."
    with pytest.raises(ActionError, match="Make it personal"):
        send_outreach_message(task=task, text=draft, by=world.colleague)

    with django_capture_on_commit_callbacks(execute=True):
        message = send_outreach_message(
            task=task,
            text=draft + " Mila's check-up moves to Thursday; I'll call you tomorrow.",
            by=world.colleague,
        )

    assert message.author == world.colleague and message.text.endswith("— Dr. Ben Hale")
    assert mail.outbox[-1].to == ["maria.lopez@example.com"]
    assert "Auto-Submitted" in mail.outbox[-1].extra_headers
    task.refresh_from_db()
    assert (task.status, task.attempts) == (OutreachStatus.ATTEMPTED, 1)
    assert Message.objects.filter(case=task.case, direction="out").count() == 1
