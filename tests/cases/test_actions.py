from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from rapport.cases.actions.merging import merge_cases
from rapport.cases.actions.messages import add_note, log_call, reply
from rapport.cases.actions.status import change_status
from rapport.cases.models import (
    Case,
    CaseEvent,
    DeliveryStatus,
    Direction,
    Message,
    Notification,
    Status,
)
from rapport.lib.errors import ActionError, Conflict
from rapport.routing.actions.opening import open_case, split_message
from tests.conftest import World


def test_reply_is_signed_sent_and_audited(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = reply(case=world.case, text="Give her honey in warm water.", by=world.agent)
    message.refresh_from_db()
    assert message.text.endswith("— Dr. Ana Ortiz\nNight Clinic · +34 911 234 567")
    assert message.delivery_status == DeliveryStatus.SENT
    world.case.refresh_from_db()
    assert world.case.status == Status.WAITING_CUSTOMER
    assert world.case.first_response_at is not None
    assert CaseEvent.objects.filter(case=world.case, kind="replied", actor=world.agent).exists()


def test_reply_by_email_reaches_the_customer(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        reply(case=world.case, text="We'll see Mila at 10.", by=world.agent, channel="email")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["maria.lopez@example.com"]
    assert "Dr. Ana Ortiz" in mail.outbox[0].from_email


def test_status_change_is_compare_and_set(world: World) -> None:
    stale = Case.objects.get(pk=world.case.pk)
    change_status(case=world.case, to=Status.OPEN, by=world.agent, expected=Status.NEW)
    with pytest.raises(Conflict):
        change_status(case=stale, to=Status.RESOLVED, by=world.colleague, expected=Status.NEW)
    assert Case.objects.get(pk=world.case.pk).status == Status.OPEN


def test_status_transitions_are_enforced(world: World) -> None:
    change_status(case=world.case, to=Status.CLOSED, by=world.agent)
    with pytest.raises(ActionError, match="cannot become"):
        change_status(case=world.case, to=Status.OPEN, by=world.agent)


def test_split_and_merge(world: World) -> None:
    first = world.case.messages.get()
    other = open_case(
        customer=world.customer, subject="Invoice", channel="email", text="Wrong invoice", by=None
    )
    moved = split_message(message=first, by=world.agent, subject="Cough")
    assert moved.pk != world.case.pk and first.pk in moved.messages.values_list("pk", flat=True)
    target = merge_cases(source=moved, target=other, by=world.agent)
    assert Message.objects.filter(case=target).count() == 2
    assert Case.objects.get(pk=moved.pk).status == Status.CLOSED


def test_a_note_is_in_the_audit_trail(world: World) -> None:
    note = add_note(case=world.case, text="Owner asked us to call after 6pm.", by=world.agent)
    event = CaseEvent.objects.get(case=world.case, kind="note")
    assert event.actor_id == world.agent.pk and event.after == {"message": note.pk}


def test_empty_message_is_refused(world: World) -> None:
    with pytest.raises(ActionError, match="empty"):
        add_note(case=world.case, text="   ", by=world.agent)


def test_call_is_on_the_case(world: World) -> None:
    call = log_call(case=world.case, by=world.agent, direction="outbound", outcome="reached",
                    notes="Meds working", duration_seconds=300)  # fmt: skip
    assert call.customer_id == world.customer.pk
    assert Message.objects.filter(direction=Direction.NOTE).count() == 0


def test_the_customers_own_person_is_told_of_a_new_case_someone_else_has(world: World) -> None:
    # Maria's owner is Ben; a case of hers that Ana takes is his to know about, and to open.
    case = open_case(
        customer=world.customer,
        subject="Limping",
        channel="phone",
        text="Since Sunday",
        by=world.agent,
        team=world.clinic,
    )
    told = Notification.objects.get(agent=world.colleague, case=case)
    assert told.kind == "customer_case"
    assert (
        told.text == f"Maria Lopez has a new case #{case.pk} Limping, with Dr. Ana Ortiz (Clinic)."
    )
    assert not Notification.objects.filter(agent=world.agent).exists()
    # Nobody is told of a case they own themselves, or of a customer nobody owns.
    open_case(
        customer=world.customer,
        subject="Again",
        channel="phone",
        text="x",
        by=world.colleague,
        team=world.clinic,
    )
    # (the persona's own first case, Ana's, told Ben too)
    assert Notification.objects.filter(agent=world.colleague).count() == 2
    assert not Notification.objects.exclude(agent=world.colleague).exists()
