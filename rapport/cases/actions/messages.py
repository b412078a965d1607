"""What is said on a case: replies, internal notes and logged calls."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.cases import transports
from rapport.cases.actions.events import record_case_event
from rapport.cases.attachments import Upload, attach, check_uploads
from rapport.cases.hooks import HumanResponse, on_human_response
from rapport.cases.models import (
    Call,
    CallDirection,
    CallOutcome,
    Case,
    CaseEventKind,
    Direction,
    Message,
    SavedReply,
    Status,
    first_response,
)
from rapport.cases.rules import (
    clean_body,
    preview,
)
from rapport.cases.saved_replies import check_personal, filled
from rapport.lib.errors import ActionError, Conflict
from rapport.people.models import Agent, Channel


class NewSinceSeen(Conflict):
    """A reply held because someone else wrote on the case after the newest message the agent
    had seen: `arrived` holds those messages, oldest first; nothing was written."""

    def __init__(self, arrived: list[Message]) -> None:
        self.arrived = arrived
        said = "; ".join(dict.fromkeys(_who_wrote(m) for m in arrived))
        super().__init__(
            f"Your reply was not sent: {said} while you were writing. Read it first, then send "
            "yours as it is or edit it."
        )


def _who_wrote(message: Message) -> str:
    if message.direction == Direction.INBOUND:
        return f"{message.customer.name} wrote"
    who = message.author.display_name if message.author else "Rapport"
    if message.direction == Direction.NOTE:
        return f"{who} added an internal note"
    return f"{who} replied"


def _new_since(case: Case, *, seen_message_id: int, by: Agent) -> list[Message]:
    """What others put on the case after the message the agent saw last (their own is known
    to them)."""
    return list(
        Message.objects.filter(case=case, pk__gt=seen_message_id)
        .exclude(author=by)
        .select_related("author", "customer")
        .prefetch_related("attachments")
        .order_by("pk")
    )


def _check_not_sent_already(case: Case, *, text: str, by: Agent, seen_message_id: int) -> None:
    """A double-submit (a second click, a form sent again after a slow answer) carries the
    same text from the same newest message seen: refused, so the customer gets it once."""
    words = [text.split(), signed(text, by).split()]
    mine = Message.objects.filter(
        case=case, pk__gt=seen_message_id, author=by, direction=Direction.OUTBOUND
    )
    if any(sent.split() in words for sent in mine.values_list("text", flat=True)):
        raise ActionError(
            "You already sent this reply (the form was sent twice); it went out once.",
            field="text",
        )


def signed(text: str, agent: Agent) -> str:
    """The reply as the customer reads it: signed by the named person who wrote it."""
    signature = agent.signature.strip()
    closing = f"{agent.display_name}\n{signature}" if signature else agent.display_name
    return f"{text.rstrip()}\n\n— {closing}"


@transaction.atomic
def reply(
    *,
    case: Case,
    text: str,
    by: Agent,
    channel: str | None = None,
    attachments: Sequence[Upload] = (),
    saved_reply: SavedReply | None = None,
    seen_message_id: int | None = None,
) -> Message:
    """A reply to the customer, signed with the agent's name and sent by the worker (with its
    files, when the channel carries them): queued by the channel's transport. Started from a
    `saved_reply`: recorded with whether it went out unchanged, which the case's business may
    refuse.

    With `seen_message_id` (the newest message of the case the agent had seen when they began)
    the reply is held, `NewSinceSeen`, if the customer or a colleague wrote on the case since."""
    body, _ = clean_body(text)
    check_uploads(attachments)
    case = Case.objects.select_for_update().select_related("customer").get(pk=case.pk)
    if case.status == Status.CLOSED:
        raise ActionError("This case is closed; replies go on a new case.")
    # Checked under the case's lock: a message written after this waits for the reply.
    if seen_message_id is not None and (
        arrived := _new_since(case, seen_message_id=seen_message_id, by=by)
    ):
        raise NewSinceSeen(arrived)
    if seen_message_id is not None:
        _check_not_sent_already(case, text=body, by=by, seen_message_id=seen_message_id)
    unchanged = _started_from(saved_reply, case=case, text=body, by=by)
    by_channel = transports.reply_channel(case, channel)
    now = timezone.now()
    message = transports.queue(
        case=case, channel=by_channel, text=body, by=by, attachments=attachments, now=now
    )
    fields: dict[str, Any] = {"updated_at": now, "last_message_preview": preview(body)}
    if case.first_response_at is None:
        fields.update(first_response(case, now))
    if case.status in (Status.NEW, Status.OPEN, Status.WAITING_US):
        fields["status"] = Status.WAITING_CUSTOMER
    waiting = fields.get("status", case.status) == Status.WAITING_CUSTOMER
    answered = HumanResponse(case=case, at=now, waiting_on_customer=waiting)
    fields.update(on_human_response.fields(answered))
    Case.objects.filter(pk=case.pk).update(**fields)
    after: dict[str, Any] = {"message": message.pk}
    if saved_reply is not None:
        message.saved_reply, message.sent_unchanged = saved_reply, unchanged
        message.save(update_fields=["saved_reply", "sent_unchanged"])
        after |= {"saved_reply": saved_reply.pk, "unchanged": unchanged}
    record_case_event(case, by=by, kind=CaseEventKind.REPLIED, after=after)
    return message


def _started_from(saved_reply: SavedReply | None, *, case: Case, text: str, by: Agent) -> bool:
    """Whether `text` is the saved reply word for word; refused for another business, or
    unchanged where the case's business refuses template text sent unedited."""
    if saved_reply is None:
        return False
    if saved_reply.brand_id is not None and saved_reply.brand_id != case.brand_id:
        raise ActionError(
            f"The saved reply “{saved_reply.title}” is for another business.",
            field="saved_reply_id",
        )
    template = filled(saved_reply.text, customer=case.customer, agent=by)
    return check_personal(text, template=template, brand=case.brand, what="saved reply")


@transaction.atomic
def add_note(*, case: Case, text: str, by: Agent, attachments: Sequence[Upload] = ()) -> Message:
    body, _ = clean_body(text)
    check_uploads(attachments)
    note = Message.objects.create(
        case=case,
        customer_id=case.customer_id,
        direction=Direction.NOTE,
        channel=Channel.SYSTEM,
        author=by,
        text=body,
    )
    attach(note, attachments)
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
    record_case_event(case, by=by, kind=CaseEventKind.NOTE, after={"message": note.pk})
    return note


@transaction.atomic
def log_call(
    *,
    case: Case,
    by: Agent,
    direction: str,
    outcome: str,
    notes: str = "",
    phone: str = "",
    duration_seconds: int = 0,
    started_at: datetime | None = None,
) -> Call:
    if direction not in CallDirection.values:
        raise ActionError(f"{direction!r} is not a call direction.", field="direction")
    if outcome not in CallOutcome.values:
        raise ActionError(f"{outcome!r} is not a call outcome.", field="outcome")
    if duration_seconds < 0 or duration_seconds > 24 * 3600:
        raise ActionError("A call lasts between 0 seconds and 24 hours.", field="duration_seconds")
    now = timezone.now()
    if started_at is not None and started_at > now:
        raise ActionError("A call cannot be logged in the future.", field="started_at")
    call = Call.objects.create(
        case=case,
        customer_id=case.customer_id,
        agent=by,
        direction=direction,
        phone=phone,
        outcome=outcome,
        notes=notes.strip(),
        duration_seconds=duration_seconds,
        started_at=started_at or now,
    )
    fields: dict[str, Any] = {"updated_at": now}
    # A call that reached the customer is a human response.
    if outcome == CallOutcome.REACHED:
        answered = HumanResponse(case=case, at=now, waiting_on_customer=False)
        fields.update(on_human_response.fields(answered))
    Case.objects.filter(pk=case.pk).update(**fields)
    record_case_event(
        case, by=by, kind=CaseEventKind.CALL, after={"call": call.pk, "outcome": outcome}
    )
    return call
