"""A customer going round in circles is seen across their cases and channels, not only inside
one thread: the same chat sent twice as two cases, or a mail repeating what they said in chat."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from rapport.cases.models import Case
from rapport.people.actions.customers import create_customer
from rapport.routing.actions.opening import open_case, receive_message
from tests.conftest import World

GLITCH = "The app deletes my saved invoices every time I log in, please help"


def test_the_same_chat_twice_as_two_cases_is_a_loop(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = open_case(customer=world.customer, subject="", channel="chat", text=GLITCH, by=None)
    assert not first.triage["loop"]
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        second = open_case(
            customer=world.customer, subject="", channel="chat", text=GLITCH + "!", by=None
        )
    assert second.triage["loop"] is True
    [reason] = second.triage["signals"]["loop"]
    assert f"case #{first.pk} by chat" in reason
    assert second.priority in ("high", "urgent")


def test_a_mail_repeating_a_chat_on_another_case_is_a_loop(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        chat = open_case(customer=world.customer, subject="", channel="chat", text=GLITCH, by=None)
        mail = open_case(
            customer=world.customer,
            subject="Invoices",
            channel="email",
            text="Something else entirely: can I change my billing address?",
            by=None,
        )
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        receive_message(case=mail, text=GLITCH.lower(), channel="email")
    mail = Case.objects.get(pk=mail.pk)
    assert mail.triage["loop"] is True
    assert f"case #{chat.pk} by chat" in mail.triage["signals"]["loop"][0]


def test_repeats_by_another_customer_or_outside_the_window_are_not_loops(world: World) -> None:
    stranger = create_customer(
        name="Other Person", by=None, identities=[("email", "other@example.org")]
    )
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        open_case(customer=stranger, subject="", channel="chat", text=GLITCH, by=None)
        open_case(customer=world.customer, subject="", channel="chat", text=GLITCH, by=None)
    with time_machine.travel(start + timedelta(hours=25), tick=False):
        late = open_case(customer=world.customer, subject="", channel="chat", text=GLITCH, by=None)
    assert not late.triage["loop"]
    with time_machine.travel(start + timedelta(hours=25, minutes=1), tick=False):
        fresh = create_customer(name="New One", by=None, identities=[("email", "n@example.org")])
        theirs = open_case(customer=fresh, subject="", channel="chat", text=GLITCH, by=None)
    assert not theirs.triage["loop"]


def test_a_repeat_on_the_same_case_names_no_other_case(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        case = open_case(customer=world.customer, subject="", channel="chat", text=GLITCH, by=None)
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        receive_message(case=case, text=GLITCH, channel="chat")
    case = Case.objects.get(pk=case.pk)
    assert case.triage["loop"] is True
    assert "case #" not in case.triage["signals"]["loop"][0]
