"""A returning visitor proves the email they gave with a code mailed to it before the chat joins
that customer's history (rapport/chat/actions/verification.py), through the widget's HTTP API:
the mail read off a real SMTP server on loopback, the clock pinned for expiry, and the answers
checked to be the same whether or not the address is a customer's (no enumeration)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from pytest_django.fixtures import Settings

from rapport.cases.actions.customers import merge_customers
from rapport.cases.models import Case, CaseEvent, CaseEventKind, Message
from rapport.chat.models import CodeState, Conversation, EmailCode
from rapport.chat.visitor import visitor_from_cookie
from rapport.mail.models import AgentMail
from rapport.people.models import Customer, Identity
from tests.chat.conftest import BASE, Visitor
from tests.conftest import World, dental_case
from tests.mail.smtp_sink import Sink, sink

__all__ = ["sink"]  # the fixture, imported for pytest

pytestmark = pytest.mark.django_db

MARIA = "maria.lopez@example.com"  # Maria Lopez's address, verified (an agent typed it)


def ask_code(visitor: Visitor, token: str, email: str | None = None) -> Any:
    return visitor.post(f"{BASE}/{token}/email", {} if email is None else {"email": email})


def verify(visitor: Visitor, token: str, code: str) -> Any:
    return visitor.post(f"{BASE}/{token}/verify", {"code": code})


def code_in(text: str) -> str:
    found = re.search(r"\b(\d{6})\b", text)
    assert found is not None, text
    return found.group(1)


def last_code() -> str:
    return code_in(str(mail.outbox[-1].body))


def started(visitor: Visitor, capture: Any, **fields: Any) -> tuple[str, Conversation]:
    with capture(execute=True):
        token = visitor.start("Is Mila's prescription ready?", **fields).json()["conversation"]
    return token, Conversation.objects.get(visitor_id=visitor_id(visitor))


def visitor_id(visitor: Visitor) -> str:
    found = visitor_from_cookie(visitor.client.cookies["rapport_chat_visitor"].value)
    assert found is not None
    return found


def test_the_code_arrives_by_smtp_and_joins_the_chat_to_the_customer_who_holds_the_address(
    world: World, sink: Sink, django_capture_on_commit_callbacks: Any, settings: Settings
) -> None:
    settings.SITE_NAME = "Night Clinic"
    visitor = Visitor()
    token, conversation = started(
        visitor, django_capture_on_commit_callbacks, name="Maria", email="Maria.Lopez@Example.com"
    )
    chat_case = conversation.case
    # Not joined yet: the chat has a record of its own, flagged as likely Maria.
    assert chat_case.customer_id != world.customer.pk
    assert Customer.objects.get(pk=chat_case.customer_id).likely_duplicate_of_id == (
        world.customer.pk
    )
    with django_capture_on_commit_callbacks(execute=True):
        asked = ask_code(visitor, token)
    assert asked.status_code == 202
    assert asked.json()["email"] == MARIA
    received = sink.only()
    assert received.rcpt_tos == [MARIA]
    assert received.message["Auto-Submitted"] == "auto-generated"
    code = code_in(received.message.get_content())
    # At rest: a keyed hash only; the sent mail keeps neither the address nor the words.
    row = EmailCode.objects.get()
    assert code not in row.code_hash and row.state == CodeState.PENDING
    sent = AgentMail.objects.get()
    assert (sent.to, sent.subject, sent.text, sent.agent_id) == ("", "", "", None)

    with django_capture_on_commit_callbacks(execute=True):
        done = verify(visitor, token, code)
    assert done.status_code == 200, done.content
    assert done.json()["verified"] is True
    chat_case.refresh_from_db()
    assert chat_case.customer_id == world.customer.pk  # one timeline for the agent
    conversation.refresh_from_db()
    assert conversation.verified_at is not None and conversation.email == MARIA
    assert Customer.objects.get(pk=visitor_customer(chat_case)).pk == world.customer.pk
    kinds = list(
        CaseEvent.objects.filter(case=chat_case).order_by("pk").values_list("kind", flat=True)
    )
    assert CaseEventKind.CHAT_CODE_SENT in kinds and kinds[-1] == CaseEventKind.CHAT_VERIFIED
    # The visitor sees their own conversation only, never Maria's other channels.
    body = visitor.read(token).json()
    assert body["verified"] is True and body["email"] == MARIA
    assert [m["text"] for m in body["messages"]] == ["Is Mila's prescription ready?"]
    assert Message.objects.filter(customer=world.customer, case=world.case).exists()
    # A used code does not work twice.
    row.refresh_from_db()
    assert row.state == CodeState.VERIFIED and row.email == ""


def visitor_customer(case: Case) -> int:
    return Case.objects.get(pk=case.pk).customer_id


def test_the_answer_is_the_same_whether_or_not_a_customer_has_the_address(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    known, unknown = Visitor(), Visitor()
    known_token, _ = started(known, django_capture_on_commit_callbacks)
    unknown_token, unknown_chat = started(unknown, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        a = ask_code(known, known_token, MARIA)
        b = ask_code(unknown, unknown_token, "nobody.here@example.org")
    assert a.status_code == b.status_code == 202
    shape = {k: v for k, v in a.json().items() if k not in ("email", "message", "expires_at")}
    assert shape == {
        k: v for k, v in b.json().items() if k not in ("email", "message", "expires_at")
    }
    assert a.json()["message"].replace(MARIA, "X") == b.json()["message"].replace(
        "nobody.here@example.org", "X"
    )
    # Both addresses are mailed: the mail, not the answer, is what the address's holder sees.
    assert sorted(m.to[0] for m in mail.outbox) == [MARIA, "nobody.here@example.org"]
    # The unknown address, proven, becomes the chat customer's own, verified.
    with django_capture_on_commit_callbacks(execute=True):
        done = verify(unknown, unknown_token, last_code())
    assert done.status_code == 200
    identity = Identity.objects.get(value="nobody.here@example.org")
    assert identity.customer_id == unknown_chat.case.customer_id and identity.is_verified


def test_a_code_expires(world: World, django_capture_on_commit_callbacks: Any) -> None:
    visitor = Visitor()
    token, conversation = started(visitor, django_capture_on_commit_callbacks, email=MARIA)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert ask_code(visitor, token).status_code == 202
        code = last_code()
    with time_machine.travel(start + timedelta(minutes=10, seconds=1), tick=False):
        late = verify(visitor, token, code)
    assert late.status_code == 422
    assert late.json()["error"] == {
        "code": "wrong_code",
        "message": "This code has expired or was replaced. Ask for a new code.",
        "field": "code",
    }
    conversation.refresh_from_db()
    assert conversation.verified_at is None
    assert Case.objects.get(pk=conversation.case_id).customer_id != world.customer.pk
    with time_machine.travel(start + timedelta(minutes=9, seconds=59), tick=False):
        assert verify(visitor, token, code).status_code == 200


def test_wrong_tries_are_counted_and_the_last_locks_the_code(
    world: World, django_capture_on_commit_callbacks: Any, settings: Settings
) -> None:
    settings.RAPPORT_CHAT_CODE_ATTEMPTS = 3
    visitor = Visitor()
    token, conversation = started(visitor, django_capture_on_commit_callbacks, email=MARIA)
    with django_capture_on_commit_callbacks(execute=True):
        ask_code(visitor, token)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    first = verify(visitor, token, wrong)
    assert first.status_code == 422
    assert first.json()["error"]["message"] == "That code is not right. 2 tries left."
    # The try is kept (the action commits it rather than rolling it back with an error).
    assert EmailCode.objects.get().attempts == 1
    assert verify(visitor, token, wrong).json()["error"]["message"].endswith("1 try left.")
    last = verify(visitor, token, wrong).json()["error"]["message"]
    assert last == "That code is not right, and it no longer works. Ask for a new code."
    assert EmailCode.objects.get().state == CodeState.LOCKED
    assert verify(visitor, token, code).status_code == 422  # the right code, too late
    assert CaseEvent.objects.filter(
        case=conversation.case, kind=CaseEventKind.CHAT_CODE_LOCKED
    ).exists()
    assert Case.objects.get(pk=conversation.case_id).customer_id != world.customer.pk


def test_a_new_code_replaces_the_old_one(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    visitor = Visitor()
    token, _ = started(visitor, django_capture_on_commit_callbacks, email=MARIA)
    with django_capture_on_commit_callbacks(execute=True):
        ask_code(visitor, token)
    old = last_code()
    with django_capture_on_commit_callbacks(execute=True):
        ask_code(visitor, token)
    new = last_code()
    if old != new:
        assert verify(visitor, token, old).status_code == 422
    assert verify(visitor, token, new).status_code == 200


def test_asking_for_codes_is_rate_limited_per_address_across_chats(
    world: World, django_capture_on_commit_callbacks: Any, settings: Settings
) -> None:
    settings.RAPPORT_RATE_CHAT_CODE = "2/h"
    settings.RAPPORT_RATE_CHAT_START = "off"
    first, second = Visitor(), Visitor()
    one, _ = started(first, django_capture_on_commit_callbacks)
    two, _ = started(second, django_capture_on_commit_callbacks)
    assert ask_code(first, one, "victim@example.org").status_code == 202
    assert ask_code(second, two, "victim@example.org").status_code == 202
    refused = ask_code(second, two, "victim@example.org")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "wait" in refused.json()["error"]["message"]
    assert EmailCode.objects.count() == 2


def test_another_browser_cannot_ask_or_answer_for_the_chat(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    visitor = Visitor()
    token, _ = started(visitor, django_capture_on_commit_callbacks, email=MARIA)
    stranger = Visitor()  # a browser with a chat of its own, and a copied token
    started(stranger, django_capture_on_commit_callbacks)
    for response in (ask_code(stranger, token), verify(stranger, token, "123456")):
        assert response.status_code == 404
    assert EmailCode.objects.count() == 0


def test_an_address_someone_only_claimed_joins_nobody(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Someone typed victim@ into a chat (an unverified claim); the real owner later proves it:
    their chat is not merged into the claimer's record."""
    claimer, owner = Visitor(), Visitor()
    _, claimed = started(claimer, django_capture_on_commit_callbacks, email="victim@example.org")
    token, chat = started(owner, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        ask_code(owner, token, "victim@example.org")
    assert verify(owner, token, last_code()).status_code == 200
    assert Case.objects.get(pk=chat.case_id).customer_id == chat.case.customer_id
    assert Case.objects.get(pk=claimed.case_id).customer_id == claimed.case.customer_id
    assert Identity.objects.get(
        customer=chat.case.customer_id, value="victim@example.org"
    ).is_verified


def test_a_chat_an_agent_already_joined_to_someone_is_not_merged_again(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    visitor = Visitor()
    token, chat = started(visitor, django_capture_on_commit_callbacks)
    other = Customer.objects.create(name="Paula Ruiz")
    dental_case(world, other)
    merge_customers(source=chat.case.customer, target=other, by=world.agent)
    with django_capture_on_commit_callbacks(execute=True):
        ask_code(visitor, token, MARIA)
    assert verify(visitor, token, last_code()).status_code == 200
    assert Case.objects.get(pk=chat.case_id).customer_id == other.pk  # left to an agent
    event = CaseEvent.objects.get(case=chat.case, kind=CaseEventKind.CHAT_VERIFIED)
    assert f"customer #{world.customer.pk} holds {MARIA}" in event.reason
