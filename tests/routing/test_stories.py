"""The stories in DESIGN.md that triage and routing carry, end to end through the actions."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from rapport.cases.models import Case
from rapport.people.actions.customers import create_customer
from rapport.routing.actions.opening import open_case, receive_message
from tests.conftest import World


def test_story_3_no_robot_trap(world: World) -> None:
    """A chat about a serious glitch from someone who wants a real person: seen at once."""
    customer = create_customer(
        name="Priya Nair", by=None, identities=[("email", "priya@example.org")]
    )
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        case = open_case(
            customer=customer,
            subject="",
            channel="chat",
            text="Your app wiped my client list before a deadline today. "
            "I just want to talk to a real person, not a bot.",
            by=None,
        )
    assert case.owner is not None  # a named human, in the same request
    assert case.pickup_at == now
    assert case.triage["wants_human"] and case.triage["urgent"]
    assert case.triage["recommended_contact"] == "call"
    assert case.priority == "urgent"
    assert case.first_response_due_at is not None
    assert case.first_response_due_at - now <= timedelta(minutes=5)  # minutes, not 24 hours


def test_story_4_a_compliment_gets_a_named_person_at_normal_priority(world: World) -> None:
    case = open_case(
        customer=world.customer,
        subject="Thank you!",
        channel="email",
        text="Just wanted to say the night team were wonderful with Mila. Thank you so much!",
        by=None,
    )
    assert case.triage["compliment"] is True
    assert case.triage["recommended_contact"] == "reply"
    assert case.priority == "normal"
    assert case.owner_id == world.colleague.pk  # the person who knows Maria


def test_story_5_a_customer_going_round_in_circles_is_seen(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        case = open_case(
            customer=world.customer,
            subject="Reset link",
            channel="chat",
            text="I cannot reset my password, the reset link does not work",
            by=None,
        )
    assert not case.triage["loop"]
    with time_machine.travel(start + timedelta(minutes=3), tick=False):
        receive_message(
            case=case,
            text="the password reset link sends me back to the login page!",
            channel="chat",
        )
    case = Case.objects.get(pk=case.pk)
    assert case.triage["loop"] is True
    assert case.triage["signals"]["loop"]
    assert case.priority in ("high", "urgent")
    assert case.next_response_due_at is not None


def test_a_case_keeps_which_safety_kind_steered_it_to_a_call(world: World) -> None:
    """Safety before thrift: the case stores the kind of harm with the reasons, and a customer
    who declined a call still gets one when someone's health is at risk."""
    customer = create_customer(
        name="Lucía Romero", by=None, identities=[("email", "lucia@example.org")]
    )
    case = open_case(
        customer=customer,
        subject="",
        channel="email",
        text="No me llamen, estoy en el trabajo. El perro se ha comido una tableta de chocolate.",
        by=None,
    )
    assert case.triage["safety"] == ["health"]
    assert case.triage["urgent"] and case.priority == "urgent"
    assert case.triage["recommended_contact"] == "call"
    assert any("(health or safety at risk)" in reason for reason in case.triage["reasons"])

    calm = open_case(
        customer=customer, subject="", channel="email", text="¿Abrís el sábado?", by=None
    )
    assert calm.triage["safety"] == []
