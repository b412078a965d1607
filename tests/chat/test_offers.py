"""When nobody can answer a chat: the customer is told so in a visibly automatic line, and
offered a call back (the care promise, same case) or email (same case), over HTTP as the
widget and the page ask for them. The clock is pinned: hours decide."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from rapport.care.models import Promise, PromiseKind
from rapport.cases.actions.messages import reply
from rapport.cases.models import Case, CaseEvent, CaseEventKind, Message
from rapport.chat.models import Conversation, ConversationState
from rapport.chat.sweeps import sweep_unanswered
from rapport.lib.hours import DAY_KEYS
from rapport.people.actions.agents import create_agent
from rapport.people.models import Agent, Brand, Identity, Team
from tests.chat.conftest import BASE, Visitor
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db

SUNDAY_NOON = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
MONDAY_TEN = datetime(2027, 1, 11, 10, 0, tzinfo=UTC)
WEEKDAYS = {day: [["09:00", "17:00"]] for day in DAY_KEYS[:5]}

Commits = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture
def ledgerly(world: World) -> Brand:
    """Ledgerly: Priya alone, weekdays 09:00 to 17:00 UTC; the clinic's people are elsewhere."""
    brand = Brand.objects.create(name="Ledgerly", slug="ledgerly")
    Brand.objects.create(name="Night Clinic", slug="night-clinic")
    support = Team.objects.create(name="Ledgerly Support", slug="ledgerly", brand=brand)
    priya = create_agent(username="priya", display_name="Priya Shah", password=PASSWORD)
    support.members.add(priya)
    Agent.objects.filter(pk=priya.pk).update(working_hours=WEEKDAYS)
    return brand


def _priya() -> Agent:
    return Agent.objects.get(display_name="Priya Shah")


def _lines(visitor: Visitor, token: str) -> list[tuple[str, str]]:
    return [(m["direction"], m["text"]) for m in visitor.read(token).json()["messages"]]


def test_outside_hours_the_customer_is_told_at_once_and_offered_a_call_or_email(
    ledgerly: Brand,
) -> None:
    with time_machine.travel(SUNDAY_NOON, tick=False):
        visitor = Visitor()
        started = visitor.start("My invoice is wrong", brand="ledgerly", timezone="Europe/Madrid")
        token = started.json()["conversation"]
        body = visitor.read(token).json()
    [told] = [m for m in body["messages"] if m["direction"] == "system"]
    assert told["author"] == ""  # nobody poses as a person
    assert told["text"].startswith(
        "We are outside our hours: nobody can answer right now. The next person starts "
        "Monday 11 January at 10:00 (Europe/Madrid)."
    )
    assert (
        "Leave your phone number and Priya can call you back Monday 11 January, 10:00 to 10:30 "
        "(Europe/Madrid), or continue by email" in told["text"]
    )
    assert body["offers"] == {"callback": True, "email": True}
    assert body["agent"] is None and body["wait_seconds"] is None
    event = CaseEvent.objects.get(kind=CaseEventKind.CHAT_NOBODY_FREE)
    assert event.case_id == started.json()["case_id"] and event.actor is None
    assert event.reason.startswith("We are outside our hours")


def test_a_call_back_asked_from_the_chat_is_a_promise_on_the_same_case(ledgerly: Brand) -> None:
    with time_machine.travel(SUNDAY_NOON, tick=False):
        visitor = Visitor()
        started = visitor.start("My invoice is wrong", brand="ledgerly").json()
        token, case_id = started["conversation"], started["case_id"]
        refused = visitor.post(f"{BASE}/{token}/callback", {"phone": ""})
        assert refused.status_code == 422 and refused.json()["error"]["field"] == "phone"
        booked = visitor.post(
            f"{BASE}/{token}/callback", {"phone": "+34 612 345 678", "timezone": "Europe/Madrid"}
        )
        assert booked.status_code == 201, booked.content
        answer = booked.json()
        assert answer["agent"] == {"name": "Priya Shah"}
        assert answer["window"] == {
            "start": "2027-01-11T09:00:00+00:00",
            "end": "2027-01-11T09:30:00+00:00",
        }
        body = visitor.read(token).json()
    promise = Promise.objects.get()
    assert promise.kind == PromiseKind.CALLBACK and promise.case_id == case_id
    assert promise.owner == _priya()
    assert CaseEvent.objects.filter(case_id=case_id, kind=CaseEventKind.CALLBACK_BOOKED).exists()
    assert body["messages"][-1] == {
        **body["messages"][-1],
        "direction": "system",
        "text": "Call back booked: Priya will call you on +34612345678 Monday 11 January, "
        "10:00 to 10:30 (Europe/Madrid).",
    }
    assert body["offers"] == {"callback": False, "email": True}
    phone = Identity.objects.get(customer=promise.customer, kind="phone")
    assert phone.value == "+34612345678" and not phone.is_verified
    # Asked again: refused, saying when the call is; another visitor's browser: 404.
    with time_machine.travel(SUNDAY_NOON, tick=False):
        again = visitor.post(f"{BASE}/{token}/callback", {"phone": "+34 612 345 678"})
        assert again.status_code == 422
        assert "already booked" in again.json()["error"]["message"]
        stranger = Visitor()
        stranger.start("My own chat", brand="ledgerly")
        assert (
            stranger.post(f"{BASE}/{token}/callback", {"phone": "+1 415 555 0100"}).status_code
            == 404
        )
    assert Promise.objects.count() == 1


def _code_in(sent: mail.EmailMessage) -> str:
    found = re.search(r"\b\d{6}\b", str(sent.subject))
    assert found is not None, sent.subject
    return found.group()


def test_continuing_by_email_is_proven_by_the_chats_code_and_replies_go_by_email(
    ledgerly: Brand, django_capture_on_commit_callbacks: Commits
) -> None:
    """One proof of an address in the chat: the code. No link is mailed; the code the
    customer types in the chat proves it, and from then on the replies go by email."""
    with time_machine.travel(SUNDAY_NOON, tick=False):
        visitor = Visitor()
        started = visitor.start("My invoice is wrong", brand="ledgerly").json()
        token = started["conversation"]
        bad = visitor.post(f"{BASE}/{token}/by-email", {"email": "not an address"})
        assert bad.status_code == 422 and bad.json()["error"]["field"] == "email"
        with django_capture_on_commit_callbacks(execute=True):
            asked = visitor.post(f"{BASE}/{token}/by-email", {"email": "Maria@Example.com"})
        assert asked.status_code == 200, asked.content
        assert asked.json()["email"] == "maria@example.com"
        assert asked.json()["confirmed"] is False
        assert _lines(visitor, token)[-1][1].startswith(
            "We sent a code to maria@example.com. Type it below to show the address is yours"
        )
        assert visitor.read(token).json()["verified"] is False
    assert CaseEvent.objects.filter(kind=CaseEventKind.CHAT_BY_EMAIL).count() == 1
    [code_mail] = mail.outbox
    assert code_mail.to == ["maria@example.com"]
    assert "/chat/email/" not in str(code_mail.body)  # no second kind of proof
    assert Client().get("/chat/email/anything/").status_code == 404
    code = _code_in(code_mail)
    wrong = "000000" if code != "000000" else "111111"
    with time_machine.travel(SUNDAY_NOON + timedelta(minutes=2), tick=False):
        refused = visitor.post(f"{BASE}/{token}/verify", {"code": wrong})
        assert refused.status_code == 422
        assert Conversation.objects.get().state == ConversationState.OPEN
        right = visitor.post(f"{BASE}/{token}/verify", {"code": code})
        assert right.status_code == 200 and right.json()["verified"] is True
        lines = _lines(visitor, token)
    conversation = Conversation.objects.get()
    assert conversation.state == ConversationState.ENDED
    assert conversation.verified_at is not None
    assert CaseEvent.objects.filter(kind=CaseEventKind.CHAT_EMAIL_CONFIRMED).count() == 1
    assert lines[-1] == (
        "system",
        "From now on a person answers you by email at maria@example.com, in this same "
        "conversation. You can close this chat.",
    )
    # Priya answers on Monday: by email, on the same case, to the address proven.
    mail.outbox.clear()
    with (
        time_machine.travel(MONDAY_TEN, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sent = reply(case=Case.objects.get(pk=started["case_id"]), text="Fixed.", by=_priya())
    assert sent.channel == "email" and sent.case_id == started["case_id"]
    assert [m.to for m in mail.outbox] == [["maria@example.com"]]


def test_an_address_the_chat_proved_already_needs_no_second_code(
    ledgerly: Brand, django_capture_on_commit_callbacks: Commits
) -> None:
    with time_machine.travel(SUNDAY_NOON, tick=False):
        visitor = Visitor()
        token = visitor.start("My invoice is wrong", brand="ledgerly").json()["conversation"]
        with django_capture_on_commit_callbacks(execute=True):
            visitor.post(f"{BASE}/{token}/email", {"email": "maria@example.com"})
        code = _code_in(mail.outbox[-1])
        assert visitor.post(f"{BASE}/{token}/verify", {"code": code}).status_code == 200
        mail.outbox.clear()
        other = visitor.post(f"{BASE}/{token}/by-email", {"email": "other@example.com"})
        assert other.status_code == 422 and "maria@example.com" in other.json()["error"]["message"]
        with django_capture_on_commit_callbacks(execute=True):
            asked = visitor.post(f"{BASE}/{token}/by-email", {"email": "maria@example.com"})
        assert asked.json()["confirmed"] is True
    assert mail.outbox == []
    assert Conversation.objects.get().state == ConversationState.ENDED


def test_the_page_without_javascript_continues_by_email_with_the_code(
    ledgerly: Brand, django_capture_on_commit_callbacks: Commits
) -> None:
    browser = Client()
    with time_machine.travel(SUNDAY_NOON, tick=False):
        browser.post("/chat/?brand=ledgerly", {"text": "Invoice wrong"})
        with django_capture_on_commit_callbacks(execute=True):
            asked = browser.post(
                "/chat/?brand=ledgerly", {"offer": "email", "email": "m@example.com"}
            )
        assert asked.status_code == 302
        page = browser.get("/chat/?brand=ledgerly").content.decode()
        assert "We sent a code to m@example.com. Type it below." in page
        assert 'id="chat-verify-code" hidden' not in page
        code = _code_in(mail.outbox[-1])
        browser.post("/chat/?brand=ledgerly", {"do": "code", "code": code})
        page = browser.get("/chat/?brand=ledgerly").content.decode()
    assert "From now on a person answers you by email at m@example.com" in page
    assert Conversation.objects.get().state == ConversationState.ENDED


def test_the_sweep_tells_a_chat_nobody_answered_within_the_brands_minutes_once(
    ledgerly: Brand,
) -> None:
    Brand.objects.filter(pk=ledgerly.pk).update(chat_answer_minutes=7)
    with time_machine.travel(MONDAY_TEN, tick=False):
        visitor = Visitor()
        token = visitor.start("Invoice question", brand="ledgerly").json()["conversation"]
        answered = Visitor()
        other = answered.start("Another", brand="ledgerly").json()
        assert [d for d, _ in _lines(visitor, token)] == ["in"]  # Priya is in: no notice
    assert sweep_unanswered(now=MONDAY_TEN + timedelta(minutes=6))["told"] == []
    reply(case=Case.objects.get(pk=other["case_id"]), text="Hello", by=_priya())
    late = MONDAY_TEN + timedelta(minutes=7)
    with time_machine.travel(late, tick=False):
        result = sweep_unanswered(now=late)
        assert result["told"] == [
            Conversation.objects.get(case__messages__text="Invoice question").pk
        ]
        assert sweep_unanswered(now=late + timedelta(minutes=1))["told"] == []
        lines = _lines(visitor, token)
        body = visitor.read(token).json()
    assert lines[-1][0] == "system"
    assert lines[-1][1].startswith("Nobody has answered you within 7 minutes. Leave your phone")
    assert body["offers"] == {"callback": True, "email": True}
    # The chat answered in time was told nothing.
    assert [d for d, _ in _lines(answered, other["conversation"])] == ["in", "system", "out"]


def test_a_wait_longer_than_the_brand_allows_is_told_at_the_start(
    world: World, ledgerly: Brand
) -> None:
    Brand.objects.filter(pk=ledgerly.pk).update(chat_answer_minutes=1)
    with time_machine.travel(MONDAY_TEN, tick=False) as clock:
        first = Visitor().start("First", brand="ledgerly").json()
        clock.shift(timedelta(minutes=3))
        reply(case=Case.objects.get(pk=first["case_id"]), text="Hi", by=_priya())
        visitor = Visitor()
        token = visitor.start("Second", brand="ledgerly").json()["conversation"]
        body = visitor.read(token).json()
    assert body["wait_seconds"] == 180
    assert body["messages"][-1]["text"].startswith(
        "The expected wait is about 3 minutes, longer than we mean anyone to wait here."
    )


def test_the_page_without_javascript_takes_the_offers(ledgerly: Brand) -> None:
    browser = Client()
    with time_machine.travel(SUNDAY_NOON, tick=False):
        browser.post("/chat/?brand=ledgerly", {"text": "Invoice wrong"})
        page = browser.get("/chat/?brand=ledgerly").content.decode()
        assert "We are outside our hours" in page and "Call me back on" in page
        refused = browser.post("/chat/?brand=ledgerly", {"offer": "callback", "phone": "12"})
        assert refused.status_code == 422
        booked = browser.post(
            "/chat/?brand=ledgerly",
            {"offer": "callback", "phone": "+44 20 7946 0958", "timezone": "Europe/London"},
        )
        assert booked.status_code == 302
        page = browser.get("/chat/?brand=ledgerly").content.decode()
    assert "Call back booked: Priya will call you on +442079460958 Monday 11 January" in page
    assert Promise.objects.get().case_id == Conversation.objects.get().case_id
    assert Message.objects.filter(text="Invoice wrong").count() == 1
