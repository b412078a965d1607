"""A live conversation: started by a customer, written by both sides, every line numbered.

Each line is stored first (a case message, through the same paths as any other: a new case is
opened by `open_case_with_message`, a customer's line is `receive_message`, an agent's reply is
the core's `reply` through the chat transport), then given the conversation's next `seq` under
the conversation's row lock in the same transaction; the clients are nudged after the commit.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from rapport.care.selectors import quote_callback
from rapport.cases.actions.events import record_case_event
from rapport.cases.attachments import Upload, attach, check_uploads, safe_filename
from rapport.cases.hooks import CaseTaken
from rapport.cases.models import Case, CaseEventKind, DeliveryStatus, Direction, Message, Status
from rapport.chat.actions.typing import agent_stopped_typing
from rapport.chat.actions.unseen import reschedule_unseen
from rapport.chat.files import refusal
from rapport.chat.honesty import answer_minutes, nobody_can_answer
from rapport.chat.models import ChatEntry, Conversation, ConversationState, EntryKind
from rapport.lib.errors import ActionError, Conflict
from rapport.lib.nudges import case_group, chat_group, nudge
from rapport.lib.wallclock import known_zone
from rapport.people.actions.customers import create_claimed_customer
from rapport.people.models import Agent, Brand, Channel, first_name
from rapport.routing.actions.opening import open_case_with_message, receive_message

# How a chat's customer is named until they say who they are.
ANONYMOUS = "Chat visitor"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def clean_line(text: str) -> str:
    """A customer's line as stored: refused when empty or past the chat's limit."""
    body = text.strip()
    if not body:
        raise ActionError("The message is empty.", field="text")
    most = settings.RAPPORT_CHAT_MAX_TEXT
    if len(body) > most:
        raise ActionError(
            f"The message is longer than {most:,} characters; send it in parts.", field="text"
        )
    return body


def clean_email(email: str) -> str:
    address = email.strip().lower()
    if not address:
        return ""
    try:
        validate_email(address)
    except ValidationError as exc:
        raise ActionError(
            f"{email.strip()[:80]!r} is not an email address.", field="email"
        ) from exc
    return address


@dataclass(frozen=True)
class Started:
    conversation: Conversation
    token: str  # shown to the customer's browser; only its hash is stored
    entry: ChatEntry
    # The same start sent again (a lost answer, a double tap): nothing new was stored.
    repeated: bool = False


def start_conversation(
    *,
    text: str,
    visitor_id: str,
    brand: Brand | None,
    name: str = "",
    email: str = "",
    client_id: str = "",
    timezone_name: str = "",
) -> Started:
    """A customer's first line opens a case (`_start`). Retry-safe: the same `client_id` with
    the same text returns the conversation it started (with the same token), never a second
    case; with other text it is refused (`Conflict`). Two starts racing with one id are kept
    apart by the unique `Conversation.client_id`: the loser finds the winner's. `visitor_id`
    is the browser's (its cookie), "" for a browser without one: a repeat from another
    browser's cookie is no repeat (the id alone does not hand over a conversation)."""
    client_id = client_id[:64]
    body = clean_line(text)
    if client_id:
        earlier = _started_with(client_id, body=body, brand=brand, visitor_id=visitor_id)
        if earlier is not None:
            return earlier
    try:
        return _start(
            body=body,
            visitor_id=visitor_id,
            brand=brand,
            name=name,
            email=email,
            client_id=client_id,
            timezone_name=timezone_name,
        )
    except IntegrityError:
        repeated = (
            _started_with(client_id, body=body, brand=brand, visitor_id=visitor_id)
            if client_id
            else None
        )
        if repeated is None:
            raise
        return repeated


def _start_token(client_id: str) -> str:
    """The token of a start the widget named: derived (keyed with the desk's secret) from its
    id, so a repeat can be answered with it although only its hash is stored."""
    return salted_hmac("rapport.chat.start", client_id, algorithm="sha256").hexdigest()


def _started_with(
    client_id: str, *, body: str, brand: Brand | None, visitor_id: str
) -> Started | None:
    """The conversation an earlier start with `client_id` made, when this is its repeat."""
    conversation = Conversation.objects.filter(client_id=client_id).first()
    if conversation is None:
        return None
    first = (
        ChatEntry.objects.filter(conversation=conversation, seq=1).select_related("message").get()
    )
    same_brand = brand is None or conversation.brand_id == brand.pk
    same_browser = not visitor_id or conversation.visitor_id == visitor_id
    if first.message is None or first.message.text != body or not same_brand or not same_browser:
        raise Conflict(
            f"client_id {client_id!r} already started another conversation; start this one "
            "with a new client_id.",
            field="client_id",
        )
    return Started(conversation, _start_token(client_id), first, repeated=True)


@transaction.atomic
def _start(
    *,
    body: str,
    visitor_id: str,
    brand: Brand | None,
    name: str,
    email: str,
    client_id: str,
    timezone_name: str,
) -> Started:
    """A customer's first line opens a case on channel chat, routed as any case is (a named
    owner at once, continuity first). The customer is a new, unverified record: an email that
    belongs to a known customer flags it as likely them (their owner and deputy look after it)
    and joins their history only once the visitor proves the address (`verification`).

    When no person can take it now (outside hours, everyone busy, a wait past the brand's
    `chat_answer_minutes`) the customer is told so at once, with what they can have instead;
    otherwise the sweep checks after those minutes that a person has answered."""
    address = clean_email(email)
    given = " ".join(name.split())[:200]
    customer = create_claimed_customer(
        name=given or ANONYMOUS,
        identities=[("email", address)] if address else [],
        source="chat",
        timezone_name=timezone_name if known_zone(timezone_name) else "",
    )
    opened = open_case_with_message(
        customer=customer, subject="", channel=Channel.CHAT, text=body, by=None, brand=brand
    )
    token = _start_token(client_id) if client_id else secrets.token_urlsafe(32)
    now = timezone.now()
    conversation = Conversation.objects.create(
        case=opened.case,
        brand=brand or opened.case.brand,
        token_hash=hash_token(token),
        visitor_id=visitor_id or secrets.token_urlsafe(16),
        name=given,
        email=address,
        client_id=client_id,
        created_at=now,
        updated_at=now,
    )
    entry = _append(conversation, kind=EntryKind.IN, message=opened.message, client_id=client_id)
    reason = nobody_can_answer(conversation, now=now)
    if reason:
        tell_nobody_free(conversation=conversation, reason=reason, now=now)
    else:
        due = now + timedelta(minutes=answer_minutes(conversation))
        Conversation.objects.filter(pk=conversation.pk).update(answer_due_at=due)
    return Started(conversation, token, entry)


@transaction.atomic
def customer_says(
    *,
    conversation: Conversation,
    text: str,
    client_id: str = "",
    attachments: Sequence[Upload] = (),
) -> ChatEntry:
    """The customer's next line, stored as their message on the case (triaged as any inbound
    message), with the files they sent. The same `client_id` twice with the same text (a retry
    after a lost answer) stores it once; with other text it is refused (`Conflict`)."""
    check_uploads(
        attachments, most=1, each=settings.RAPPORT_CHAT_ATTACHMENT_MAX_BYTES, field="file"
    )
    for upload in attachments:
        refused = refusal(name=upload.filename, size=len(upload.data))
        if refused is not None:
            raise ActionError(refused.message, field="file")
    if attachments and not text.strip():
        text = "Sent " + ", ".join(safe_filename(a.filename) for a in attachments)
    body = clean_line(text)
    # The case first, then the conversation: the order an agent's reply takes them in.
    Case.objects.select_for_update().filter(pk=conversation.case_id).first()
    locked = _lock(conversation)
    client_id = client_id[:64]
    if client_id:
        earlier = (
            ChatEntry.objects.filter(conversation=locked, client_id=client_id)
            .select_related("message")
            .first()
        )
        if earlier is not None:
            if earlier.message is None or earlier.message.text != body:
                # Not a retry: a second line under a used id would be lost if answered as one.
                raise Conflict(
                    f"client_id {client_id!r} was already used for another line; "
                    "send this one with a new client_id.",
                    field="client_id",
                )
            return earlier
    case = locked.case
    if case.status == Status.CLOSED:
        # The conversation goes on in a new case for the same customer, routed again.
        opened = open_case_with_message(
            customer=case.customer,
            subject="",
            channel=Channel.CHAT,
            text=body,
            by=None,
            brand=case.brand,
        )
        locked.case, message = opened.case, opened.message
        locked.save(update_fields=["case"])
    else:
        message = receive_message(case=case, text=body, channel=Channel.CHAT)
    attach(message, attachments)
    return _append(locked, kind=EntryKind.IN, message=message, client_id=client_id)


def callback_quote(case: Case, *, now: datetime) -> str:
    """ "Ana can call you back Monday 11 January, 09:00 to 09:30 (Europe/Madrid)", or "" when
    nobody of the business could call (no hours ahead)."""
    try:
        quote = quote_callback(case, now=now)
    except ActionError:
        return ""
    agent = Agent.objects.get(pk=quote.agent_id)
    return f"{first_name(agent.display_name)} can call you back {quote.describe()}"


@transaction.atomic
def tell_nobody_free(*, conversation: Conversation, reason: str, now: datetime) -> ChatEntry | None:
    """The customer told, once per conversation, why no person can answer now and what they
    can have instead (a call back with its honest window, or email); audited on the case.
    Nothing when a person has answered meanwhile or they were told already."""
    locked = _lock(conversation)
    case = locked.case
    if locked.nobody_told_at is not None or case.first_response_at is not None:
        return None
    if locked.state != ConversationState.OPEN:
        return None
    quote = callback_quote(case, now=now)
    offers = (
        f"Leave your phone number and {quote}, or continue by email"
        if quote
        else "You can continue by email"
    )
    text = (
        f"{reason} {offers}: a person will answer you there, in this same conversation. "
        "What you write here is still read by a person."
    )
    locked.nobody_told_at = now
    locked.save(update_fields=["nobody_told_at"])
    entry = _append(locked, kind=EntryKind.SYSTEM, text=text)
    record_case_event(
        case,
        by=None,
        kind=CaseEventKind.CHAT_NOBODY_FREE,
        after={"seq": entry.seq, "callback": quote},
        reason=reason[:500],
    )
    return entry


def has_conversation(case: Case) -> bool:
    """Whether a chat reply on `case` reaches someone: the case has an open conversation
    (only a case a chat opened has one: no query for the others)."""
    if case.origin_channel != Channel.CHAT:
        return False
    return Conversation.objects.filter(case=case, state=ConversationState.OPEN).exists()


@transaction.atomic
def queue_chat_reply(
    *,
    case: Case,
    text: str,
    by: Agent | None,
    channel: str,
    attachments: Sequence[Upload],
    now: datetime,
) -> Message:
    """The chat transport (the core's `reply` with channel chat): the agent's line stored in
    the case's conversation, "delivered" once it is there for the customer's client to fetch;
    "read" only when that client reports having shown it (`customer_saw`)."""
    conversation = (
        Conversation.objects.filter(case=case, state=ConversationState.OPEN).order_by("-pk").first()
    )
    if conversation is None:
        raise ActionError("This case has no open chat to reply in.", field="channel")
    check_uploads(attachments)
    message = Message.objects.create(
        case=case,
        customer_id=case.customer_id,
        direction=Direction.OUTBOUND,
        channel=channel,
        author=by,
        text=text,
        delivery_status=DeliveryStatus.DELIVERED,
        created_at=now,
    )
    attach(message, attachments)
    locked = _lock(conversation)
    if by is not None:
        announce(locked, by)
    _append(locked, kind=EntryKind.OUT, message=message)
    reschedule_unseen(locked)  # emailed if the customer has not seen it within minutes
    transaction.on_commit(partial(agent_stopped_typing, conversation.pk))
    return message


def announce(conversation: Conversation, agent: Agent) -> None:
    """ "Ana has joined", once per person (the conversation locked by the caller): visibly
    automatic, so the customer learns a person is here, and who."""
    if not joined(conversation, agent):
        _append(
            conversation,
            kind=EntryKind.SYSTEM,
            text=f"{first_name(agent.display_name)} has joined",
            agent=agent,
        )


def joined(conversation: Conversation, agent: Agent) -> bool:
    """Whether `agent` was announced in this conversation, or has written in it."""
    return ChatEntry.objects.filter(
        Q(kind=EntryKind.SYSTEM, agent=agent) | Q(kind=EntryKind.OUT, message__author=agent),
        conversation=conversation,
    ).exists()


def agent_took(event: CaseTaken) -> None:
    """A person took a chat's case for themselves (cases' `on_case_taken`, in the assignment's
    transaction): the customer sees them join, as when they reply."""
    conversation = (
        Conversation.objects.filter(case_id=event.case.pk, state=ConversationState.OPEN)
        .order_by("-pk")
        .first()
    )
    if conversation is not None:
        announce(_lock(conversation), event.agent)


@transaction.atomic
def add_system_line(*, conversation: Conversation, text: str) -> ChatEntry:
    """A visibly automatic line ("Ana has joined"): never written as if by a person."""
    return _append(_lock(conversation), kind=EntryKind.SYSTEM, text=text)


@transaction.atomic
def customer_saw(*, conversation: Conversation, seq: int) -> int:
    """The customer's client showed every line up to `seq`: the agent's replies up to it are
    "read". Returns the customer's cursor (it never moves back, nor past the last line)."""
    locked = _lock(conversation)
    seen = min(max(seq, 0), locked.last_seq)
    if seen <= locked.customer_seen_seq:
        return locked.customer_seen_seq
    locked.customer_seen_seq = seen
    locked.save(update_fields=["customer_seen_seq"])
    reschedule_unseen(locked)
    Message.objects.filter(
        chat_entry__conversation=locked,
        chat_entry__seq__lte=seen,
        direction=Direction.OUTBOUND,
        delivery_status=DeliveryStatus.DELIVERED,
    ).update(delivery_status=DeliveryStatus.READ)
    nudge(chat_group(locked.pk), {"type": "seen", "by": "customer", "seq": seen})
    # The case page shows the replies "Read": its live polls fetch again.
    nudge(case_group(locked.case_id), {"type": "case", "case": locked.case_id})
    return seen


@transaction.atomic
def agent_saw(*, conversation: Conversation, seq: int) -> int:
    """The agent's screen showed the customer's lines up to `seq` (the widget's read mark)."""
    locked = _lock(conversation)
    seen = min(max(seq, 0), locked.last_seq)
    if seen <= locked.agent_seen_seq:
        return locked.agent_seen_seq
    locked.agent_seen_seq = seen
    locked.save(update_fields=["agent_seen_seq"])
    nudge(chat_group(locked.pk), {"type": "seen", "by": "agent", "seq": seen})
    return seen


@transaction.atomic
def agent_saw_message(*, case: Case, message_id: int) -> int | None:
    """The agent's case page shows `case`'s messages up to `message_id` (its newest shown): the
    chat's lines up to that message's seq are seen (the customer's "Seen"). None when the
    message is no chat line of this case; the mark never moves back."""
    entry = (
        ChatEntry.objects.filter(message_id=message_id, message__case=case)
        .values_list("conversation_id", "seq")
        .first()
    )
    if entry is None:
        return None
    conversation_id, seq = entry
    return agent_saw(conversation=Conversation(pk=conversation_id), seq=seq)


def _lock(conversation: Conversation) -> Conversation:
    return (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("case__customer", "case__brand")
        .get(pk=conversation.pk)
    )


def _append(
    conversation: Conversation,
    *,
    kind: str,
    message: Message | None = None,
    text: str = "",
    client_id: str = "",
    agent: Agent | None = None,
) -> ChatEntry:
    """The next line of a conversation locked by the caller (or just created in its
    transaction): seq = last + 1, so the numbers have no gaps; the listeners are told after the
    commit."""
    seq = conversation.last_seq + 1
    now = timezone.now()
    entry = ChatEntry.objects.create(
        conversation=conversation,
        seq=seq,
        kind=kind,
        message=message,
        text=text,
        client_id=client_id,
        agent=agent,
        created_at=message.created_at if message is not None else now,
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_seq=seq, updated_at=now)
    conversation.last_seq, conversation.updated_at = seq, now
    nudge(chat_group(conversation.pk), {"type": "new", "seq": seq})
    return entry
