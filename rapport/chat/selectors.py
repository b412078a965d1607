"""What the customer's client reads: the lines after its cursor, and who has the case."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from rapport.care.models import Promise, PromiseKind, PromiseStatus
from rapport.cases.models import Case
from rapport.chat.actions.typing import agent_typing_now
from rapport.chat.honesty import offer_words, outside_hours, queue_for
from rapport.chat.models import ChatEntry, Conversation, ConversationState, EntryKind
from rapport.people.models import Agent, Channel

# Lines per answer; a client with more to read asks again after the last seq it got.
PAGE = 200


def lines_after(conversation: Conversation, *, after: int) -> dict[str, Any]:
    """The widget's `GET .../messages?after=SEQ` answer (docs/chat.md). The wait and queue
    position come from the live queue (`rapport/chat/honesty.py`), null without a basis."""
    entries = (
        ChatEntry.objects.filter(conversation=conversation, seq__gt=after)
        .select_related("message__author")
        .prefetch_related("message__attachments")
        .order_by("seq")[:PAGE]
    )
    person = who_joined(conversation)
    # Once a person has answered there is no queue to tell of, and reading the desk's whole
    # routing state for it made every fetch of an answered chat cost seven queries more.
    # A person who joined without writing yet (they took the case) ends the queue too.
    waiting = conversation.case.first_response_at is None and person is None
    now = timezone.now()
    queue = queue_for(conversation, now=now) if waiting else None
    offers = offers_open(conversation)
    # Outside hours a place in the queue is no answer: say nobody is on shift, and what else.
    closed = outside_hours(conversation, now=now) if waiting else ""
    return {
        "messages": [_line(entry, conversation) for entry in entries],
        "agent": {"name": person.display_name} if person is not None else None,
        "wait_seconds": queue.wait_seconds if queue else None,
        "queue_position": queue.position if queue else None,
        "agent_seen_seq": conversation.agent_seen_seq,
        # For a client without a socket: who of the desk is typing now (expires by itself).
        "agent_typing": agent_typing_now(conversation),
        # The visitor's own address, and whether they proved it (rapport/chat/actions/verification).
        "email": conversation.email or None,
        "verified": conversation.verified_at is not None,
        "offers": offers,
        "outside_hours": f"{closed} {offer_words(offers)}".strip() if closed else None,
    }


def offers_open(conversation: Conversation) -> dict[str, bool] | None:
    """What the customer told nobody can answer may still ask for: a call back (until one is
    booked on the case) and email (until they chose it); null when they were not told, or a
    person has answered since."""
    if conversation.nobody_told_at is None or conversation.case.first_response_at is not None:
        return None
    if conversation.state != ConversationState.OPEN:
        return None
    booked = Promise.objects.filter(
        case_id=conversation.case_id, kind=PromiseKind.CALLBACK, status=PromiseStatus.OPEN
    ).exists()
    return {"callback": not booked, "email": conversation.by_email_at is None}


def who_joined(conversation: Conversation) -> Agent | None:
    """The person the customer is talking with: the last agent who wrote in the chat or was
    announced joining it ("Ana has joined"). Nobody before a person has joined, whoever
    routing named the case's owner."""
    last = (
        ChatEntry.objects.filter(
            Q(kind=EntryKind.OUT, message__author__isnull=False)
            | Q(kind=EntryKind.SYSTEM, agent__isnull=False),
            conversation=conversation,
        )
        .select_related("message__author", "agent")
        .order_by("-seq")
        .first()
    )
    if last is None:
        return None
    if last.kind == EntryKind.SYSTEM:
        return last.agent
    return last.message.author if last.message is not None else None


def _line(entry: ChatEntry, conversation: Conversation) -> dict[str, Any]:
    message = entry.message
    if entry.kind == EntryKind.SYSTEM or message is None:
        author, text = "", entry.text
    elif entry.kind == EntryKind.OUT:
        author, text = (message.author.display_name if message.author else ""), message.text
    else:
        author, text = conversation.name or "You", message.text
    return {
        "seq": entry.seq,
        "direction": entry.kind,
        "author": author,
        "text": text,
        "sent_at": entry.created_at.isoformat(),
        # Fetched with the token: GET .../files/ID (rapport/chat/views.py, `file_download`).
        "files": [
            {"id": a.pk, "name": a.filename, "size": a.size}
            for a in (message.attachments.all() if message is not None else ())
        ],
    }


def visitor_of(case: Case) -> Conversation | None:
    """The case's newest conversation, for the agent's "how is this visitor known" (email given,
    verified by code, or anonymous); no query for a case no chat opened."""
    if case.origin_channel != Channel.CHAT:
        return None
    return Conversation.objects.filter(case=case).order_by("-pk").first()
