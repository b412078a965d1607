"""Agent replies the customer has not seen, emailed to them: a customer who closed the chat
still gets the answer.

When an agent's reply is stored in a conversation, the conversation is due
(`unseen_email_due_at`) `RAPPORT_CHAT_UNSEEN_EMAIL_MINUTES` after its oldest reply the customer
has not seen; the customer's read mark moves it or clears it. The worker's sweep
(`sweep_unseen_replies`) takes each due conversation under its row lock and puts every reply
still unseen into ONE email from the agent who wrote the newest of them, on the case's mail thread
(the mail app's outbox: queued, then sent or failed on the timeline, never "sent" before it is),
and records a case event. Only for a conversation whose customer gave an email address in the
chat and which the desk may write to (a verified one: `reachable_channels`); otherwise the replies
are passed over, not mailed to an address anyone could have typed. Either way `emailed_seq`
moves past them, so nothing is emailed twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from rapport.cases import transports
from rapport.cases.actions.events import record_case_event
from rapport.cases.models import CaseEventKind, Message
from rapport.chat.models import ChatEntry, Conversation, EntryKind
from rapport.people.models import Channel

# Conversations one sweep takes; the rest are due still and the next sweep takes them.
BATCH = 200


def _wait() -> timedelta:
    return timedelta(minutes=settings.RAPPORT_CHAT_UNSEEN_EMAIL_MINUTES)


def reschedule_unseen(conversation: Conversation) -> None:
    """Set when `conversation` (locked by the caller) is next due: its oldest agent reply
    neither seen nor emailed, plus the wait; none left, none due."""
    floor = max(conversation.customer_seen_seq, conversation.emailed_seq)
    oldest = (
        ChatEntry.objects.filter(conversation=conversation, kind=EntryKind.OUT, seq__gt=floor)
        .order_by("seq")
        .values_list("created_at", flat=True)
        .first()
    )
    due = oldest + _wait() if oldest is not None else None
    if due != conversation.unseen_email_due_at:
        Conversation.objects.filter(pk=conversation.pk).update(unseen_email_due_at=due)
        conversation.unseen_email_due_at = due


@transaction.atomic
def email_unseen_replies(*, conversation: Conversation, now: datetime) -> Message | None:
    """Every agent reply of `conversation` the customer has not seen, in one email queued to
    them (None when nothing was due, or there is no address the desk may write to)."""
    locked = (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("case__customer", "brand")
        .get(pk=conversation.pk)
    )
    if locked.unseen_email_due_at is None or locked.unseen_email_due_at > now:
        return None  # seen meanwhile, or another worker took it
    floor = max(locked.customer_seen_seq, locked.emailed_seq)
    entries = list(
        ChatEntry.objects.filter(conversation=locked, kind=EntryKind.OUT, seq__gt=floor)
        .select_related("message__author")
        .order_by("seq")
    )
    replies = [(entry, entry.message) for entry in entries if entry.message is not None]
    case = locked.case
    message = None
    if replies and _may_email(locked):
        by = replies[-1][1].author or case.owner
        message = transports.queue(
            case=case,
            channel=Channel.EMAIL,
            text=_text(locked, replies),
            by=by,
            attachments=(),
            now=now,
        )
        record_case_event(
            case,
            kind=CaseEventKind.CHAT_EMAILED,
            by=None,
            after={"seqs": [entry.seq for entry, _ in replies], "message": message.pk},
            reason=(
                f"{_count(len(replies))} not seen in the chat within "
                f"{settings.RAPPORT_CHAT_UNSEEN_EMAIL_MINUTES} minutes"
            ),
            at=now,
        )
    if entries:
        locked.emailed_seq = entries[-1].seq
        Conversation.objects.filter(pk=locked.pk).update(emailed_seq=locked.emailed_seq)
    reschedule_unseen(locked)
    return message


def _may_email(conversation: Conversation) -> bool:
    """The customer gave an email in the chat, and the desk may write to them (a verified,
    deliverable address: the mail app writes to no other)."""
    if not conversation.email and conversation.verified_at is None:
        return False
    return any(
        transport.channel == Channel.EMAIL
        for transport in transports.reachable_channels(conversation.case)
    )


def _count(replies: int) -> str:
    return "1 reply" if replies == 1 else f"{replies} replies"


def _text(conversation: Conversation, replies: list[tuple[ChatEntry, Message]]) -> str:
    customer = conversation.case.customer
    business = conversation.brand.name if conversation.brand else settings.SITE_NAME
    lines = [
        f"Hello {conversation.name or customer.greeting_name},",
        "",
        f"You have {_count(len(replies))} in your chat with {business} that you have not seen yet:",
    ]
    for _, message in replies:
        author = message.author.display_name if message.author else business
        quoted = "\n".join(f"> {line}" if line else ">" for line in message.text.splitlines())
        lines += ["", f"{author} wrote:", quoted]
    lines += ["", "You can answer by replying to this email."]
    return "\n".join(lines)


def sweep_unseen_replies(*, now: datetime) -> dict[str, Any]:
    """The worker's sweep: each conversation due now, its unseen replies emailed (or not: no
    address the desk may write to, or seen meanwhile)."""
    emailed: list[int] = []
    not_emailed: list[int] = []
    due = Conversation.objects.filter(unseen_email_due_at__lte=now).order_by(
        "unseen_email_due_at", "pk"
    )
    for conversation in due[:BATCH]:
        message = email_unseen_replies(conversation=conversation, now=now)
        (emailed if message is not None else not_emailed).append(conversation.pk)
    return {"emailed": emailed, "not_emailed": not_emailed}
