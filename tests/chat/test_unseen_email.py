"""Agent replies the customer has not seen within a few minutes are emailed to them: one mail for
several replies, from the agent, on the case's thread, only to an address the desk may write to,
never twice, recorded on the case. Through the worker's sweeps, a pinned clock and a real SMTP
server on loopback."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from rapport.cases.actions.messages import reply
from rapport.cases.models import CaseEvent, CaseEventKind, DeliveryStatus, Message
from rapport.chat.models import Conversation
from rapport.jobs.scheduler import run_sweeps
from rapport.people.actions.identities import verify_identity
from rapport.people.models import Channel, Identity
from tests.chat.conftest import Visitor
from tests.conftest import World
from tests.mail.smtp_sink import Sink, sink

__all__ = ["sink"]  # the fixture, imported for pytest

pytestmark = pytest.mark.django_db

OnCommit = Callable[..., Any]
T0 = datetime(2026, 3, 27, 21, 0, tzinfo=UTC)


def _chat(world: World, *, email: str = "maria@example.com", verified: bool = True) -> Visitor:
    maria = Visitor()
    started = maria.start("Is the rye in today?", name="Maria", email=email)
    assert started.status_code == 201
    maria.token = started.json()["conversation"]  # type: ignore[attr-defined]
    if email and verified:
        verify_identity(identity=Identity.objects.get(value=email), by=world.agent)
    return maria


def _sweep(capture: OnCommit, at: datetime) -> dict[str, Any]:
    with capture(execute=True):
        result: dict[str, Any] = run_sweeps(now=at)["chat_unseen"]
    return result


def _reply(world: World, text: str) -> Message:
    case = Conversation.objects.get().case
    return reply(case=case, text=text, by=world.agent, channel="chat")


def test_unseen_replies_go_in_one_threaded_mail_from_the_agent_once(
    world: World, sink: Sink, django_capture_on_commit_callbacks: OnCommit
) -> None:
    capture = django_capture_on_commit_callbacks
    with time_machine.travel(T0, tick=False) as clock:
        _chat(world)
        conversation = Conversation.objects.get()
        _reply(world, "Yes, the rye is in until six.")
        clock.shift(timedelta(minutes=1))
        _reply(world, "And the spelt comes tomorrow\nat nine.")
        assert _sweep(capture, T0 + timedelta(minutes=2, seconds=59))["emailed"] == []
        assert sink.received == []
        result = _sweep(capture, T0 + timedelta(minutes=3))
        assert result["emailed"] == [conversation.pk]

        mail = sink.only().message
        assert mail["To"] == "maria@example.com"
        assert mail["From"].startswith('"Dr. Ana Ortiz"')
        assert f"[#{conversation.case_id}]" in mail["Subject"]
        body = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
        assert "You have 2 replies in your chat" in body
        assert "> Yes, the rye is in until six." in body
        assert "> And the spelt comes tomorrow\n> at nine." in body
        first_id = mail["Message-ID"]

        emailed = Message.objects.get(channel=Channel.EMAIL, case_id=conversation.case_id)
        assert emailed.author == world.agent
        assert emailed.delivery_status == DeliveryStatus.SENT
        event = CaseEvent.objects.get(kind=CaseEventKind.CHAT_EMAILED)
        assert event.case_id == conversation.case_id
        # Seq 2 is the automatic "Ana has joined" line: only her replies are mailed.
        assert event.after == {"seqs": [3, 4], "message": emailed.pk}
        assert "2 replies not seen in the chat within 3 minutes" in event.reason

        # Never twice.
        assert _sweep(capture, T0 + timedelta(minutes=30))["emailed"] == []
        assert len(sink.received) == 1

        # A later reply, unseen too: a second mail, on the same thread as the first.
        clock.move_to(T0 + timedelta(minutes=40))
        _reply(world, "We close at six today.")
        _sweep(capture, T0 + timedelta(minutes=43))
        assert len(sink.received) == 2
        later = sink.received[1].message
        assert first_id in later["References"]
        assert later["In-Reply-To"] == first_id
        later_body = later.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
        assert "You have 1 reply" in later_body and "rye" not in later_body


def test_replies_the_customer_saw_are_not_emailed(
    world: World, sink: Sink, django_capture_on_commit_callbacks: OnCommit
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        maria = _chat(world)
        _reply(world, "Yes, until six.")
        clock.shift(timedelta(minutes=1))
        # Seq 2 says Ana joined, 3 is her reply.
        assert maria.saw(maria.token, 3).json() == {"seq": 3}  # type: ignore[attr-defined]
        assert Conversation.objects.get().unseen_email_due_at is None
        result = _sweep(django_capture_on_commit_callbacks, T0 + timedelta(minutes=10))
    assert result == {"emailed": [], "not_emailed": []}
    assert sink.received == []
    assert not Message.objects.filter(channel=Channel.EMAIL).exists()


@pytest.mark.parametrize(
    ("email", "verified"), [("", False), ("maria@example.com", False)], ids=["none", "unverified"]
)
def test_without_an_address_the_desk_may_write_to_nothing_is_queued(
    world: World,
    sink: Sink,
    django_capture_on_commit_callbacks: OnCommit,
    email: str,
    verified: bool,
) -> None:
    with time_machine.travel(T0, tick=False):
        _chat(world, email=email, verified=verified)
        conversation = Conversation.objects.get()
        _reply(world, "Yes, until six.")
        result = _sweep(django_capture_on_commit_callbacks, T0 + timedelta(minutes=5))
    assert result == {"emailed": [], "not_emailed": [conversation.pk]}
    assert sink.received == []
    assert not Message.objects.filter(channel=Channel.EMAIL).exists()
    assert not CaseEvent.objects.filter(kind=CaseEventKind.CHAT_EMAILED).exists()
    conversation.refresh_from_db()
    # Seq 2 says Ana joined, 3 is her reply.
    assert (conversation.emailed_seq, conversation.unseen_email_due_at) == (3, None)
