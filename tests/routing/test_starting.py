"""start_case: a case started from the desk, for a customer picked or typed in, with its first
entry (their message, ours, or a call either way), through the one opening path."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rapport.cases.actions.customers import NewCustomer
from rapport.cases.models import (
    Call,
    Case,
    CaseEvent,
    DeliveryStatus,
    Direction,
    Initiative,
    Message,
    Notification,
)
from rapport.lib.errors import ActionError
from rapport.people.models import Customer, CustomerEvent, Identity
from rapport.routing.actions.starting import CallDetails, start_case
from tests.conftest import World

NEW_OWNER = NewCustomer(
    name="Lucia Gomez",
    identities=[("phone", "+34 699 12 34 56", "phone"), ("email", "Lucia@Example.com", "email")],
    organization="Gomez Kennels",
)


def test_the_night_call_opens_a_case_for_a_new_customer_with_the_call_on_it(world: World) -> None:
    started = start_case(
        by=world.agent,
        customer=NEW_OWNER,
        first="inbound_call",
        text="Our puppy is coughing badly tonight, can we come in now?",
        call=CallDetails(outcome="reached", duration_seconds=360, phone="+34699123456"),
        team=world.clinic,
    )
    case = Case.objects.select_related("customer__organization").get(pk=started.case.pk)
    customer = case.customer
    assert customer.name == "Lucia Gomez" and customer.organization is not None
    assert customer.organization.name == "Gomez Kennels"
    assert sorted(customer.identities.values_list("kind", "value")) == [
        ("email", "lucia@example.com"),
        ("phone", "+34699123456"),
    ]
    assert all(i.is_verified for i in customer.identities.all())  # typed by the agent
    assert (case.owner, case.team, case.status, case.origin_channel) == (
        world.agent,
        world.clinic,
        "open",
        "phone",
    )
    assert case.initiative == Initiative.CUSTOMER
    said = Message.objects.get(case=case)
    assert (said.direction, said.channel) == (Direction.INBOUND, "phone")
    assert said.text.startswith("Our puppy is coughing")
    call = Call.objects.get(case=case)
    assert (call.direction, call.outcome, call.duration_seconds, call.agent) == (
        "inbound",
        "reached",
        360,
        world.agent,
    )
    assert started.call == call and started.message is None
    assert case.first_response_at is not None  # the call reached them: a human answered
    opened = CaseEvent.objects.get(case=case, kind="opened")
    assert opened.after["first_entry"] == "inbound_call" and opened.actor == world.agent
    assert CaseEvent.objects.filter(case=case, kind="call").exists()


def test_an_outbound_message_is_queued_and_the_case_waits_on_the_customer(world: World) -> None:
    started = start_case(
        by=world.agent,
        customer=world.customer,
        first="outbound_message",
        text="Hello Maria, Mila's lab results are in: all clear.",
        subject="Mila's lab results",
    )
    case = Case.objects.get(pk=started.case.pk)
    assert case.initiative == Initiative.DESK and case.status == "waiting_customer"
    assert case.first_response_due_at is None  # nobody waits on us
    assert case.subject == "Mila's lab results"
    assert started.message is not None
    sent = Message.objects.get(pk=started.message.pk)
    assert (sent.direction, sent.channel, sent.delivery_status) == (
        Direction.OUTBOUND,
        "email",
        DeliveryStatus.QUEUED,  # queued, not sent: the worker sends it after the commit
    )
    assert "— Dr. Ana Ortiz" in sent.text  # signed by the person who wrote it
    note = Message.objects.get(case=case, direction=Direction.NOTE)
    assert "opened this case to write to Maria Lopez" in note.text


def test_an_outbound_call_is_the_desks_own_case_with_the_notes_on_the_call(world: World) -> None:
    started = start_case(
        by=world.agent,
        customer=world.customer,
        first="outbound_call",
        text="Left a message about the booster shot.",
        call=CallDetails(outcome="voicemail"),
    )
    case = started.case
    assert case.initiative == Initiative.DESK and case.subject.startswith("Left a message")
    call = Call.objects.get(case=case)
    assert (call.direction, call.outcome, call.notes) == (
        "outbound",
        "voicemail",
        "Left a message about the booster shot.",
    )
    assert Case.objects.get(pk=case.pk).first_response_at is None  # voicemail reached nobody


def test_nothing_is_left_behind_when_the_message_cannot_go_out(world: World) -> None:
    customers = Customer.objects.count()
    walk_in = NewCustomer(name="Pedro Ruiz", identities=[("phone", "+34 600 111 222", "phone")])
    with pytest.raises(ActionError, match="no way to write to") as refused:
        start_case(by=world.agent, customer=walk_in, first="outbound_message", text="Hi Pedro")
    assert "+34600111222" in refused.value.message  # what to do instead: call them
    assert Customer.objects.count() == customers
    assert not Identity.objects.filter(value="+34600111222").exists()
    assert Case.objects.count() == 1


def test_an_address_of_a_customer_the_agent_serves_is_refused_naming_them(world: World) -> None:
    again = NewCustomer(name="M. Lopez", identities=[("phone", "+34612345678", "phone")])
    with pytest.raises(ActionError, match="Maria Lopez") as refused:
        start_case(by=world.agent, customer=again, first="inbound_call", text="Cough again")
    assert refused.value.field == "phone"
    assert Customer.objects.count() == 1 and Case.objects.count() == 1


def test_an_address_of_someone_elses_customer_makes_a_flagged_new_customer(world: World) -> None:
    typed = NewCustomer(
        name="M. Lopez",
        identities=[
            ("email", "maria.lopez@example.com", "email"),
            ("phone", "+34 655 000 111", ""),
        ],
    )
    started = start_case(
        by=world.outsider, customer=typed, first="inbound_message", channel="email", text="Hi"
    )
    new = started.case.customer
    assert new.pk != world.customer.pk and new.likely_duplicate_of_id == world.customer.pk
    # The typed address stays Maria's; the other one is the new customer's.
    assert list(new.identities.values_list("value", flat=True)) == ["+34655000111"]
    assert CustomerEvent.objects.filter(customer=new, kind="likely_duplicate").exists()
    assert Notification.objects.filter(agent=world.colleague, kind="merge_suggestion").exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"first": "sideways", "text": "x"}, "first_entry"),
        ({"first": "inbound_message", "text": "x"}, "channel"),
        ({"first": "inbound_message", "text": "x", "channel": "system"}, "channel"),
        ({"first": "inbound_call", "text": "x", "channel": "email"}, "channel"),
        ({"first": "inbound_call", "text": ""}, "text"),
        ({"first": "outbound_message", "text": "   "}, "text"),
        (
            {"first": "inbound_message", "channel": "email", "text": "x", "call": CallDetails()},
            "call",
        ),
        ({"first": "inbound_call", "text": "x", "call": CallDetails(outcome="hung")}, "outcome"),
    ],
)
def test_bad_input_is_refused_before_anything_is_written(
    world: World, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(ActionError) as refused:
        start_case(by=world.agent, customer=NEW_OWNER, **kwargs)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert not Customer.objects.filter(name="Lucia Gomez").exists()


def test_a_call_in_the_future_is_refused(world: World) -> None:
    later = CallDetails(started_at=timezone.now() + timedelta(hours=1))
    with pytest.raises(ActionError, match="future"):
        start_case(
            by=world.agent, customer=world.customer, first="inbound_call", text="x", call=later
        )


def test_another_teams_agent_cannot_file_into_the_clinic(world: World) -> None:
    with pytest.raises(ActionError, match="own teams"):
        start_case(
            by=world.outsider,
            customer=NEW_OWNER,
            first="inbound_call",
            text="Hello",
            team=world.clinic,
        )
    assert not Customer.objects.filter(name="Lucia Gomez").exists()
