"""A case's timeline: messages, calls and events, with their attachments."""

from __future__ import annotations

from typing import Any, Literal, Self

from ninja import Field, Schema

from rapport.api.schemas.agents import AgentRef
from rapport.api.schemas.base import Timestamp
from rapport.cases.models import (
    Attachment,
    Call,
    CallDirection,
    CallOutcome,
    CaseEvent,
    CaseEventKind,
    DeliveryStatus,
    Direction,
    Message,
)
from rapport.cases.selectors import TimelineEntry
from rapport.people.models import Channel


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    url: str | None

    @classmethod
    def of(cls, attachment: Attachment) -> Self:
        return cls(
            id=attachment.pk,
            filename=attachment.filename,
            content_type=attachment.content_type,
            size=attachment.size,
            url=f"/api/v1/attachments/{attachment.pk}" if attachment.file else None,
        )


class MessageOut(Schema):
    id: int
    case_id: int
    direction: Direction
    channel: Channel
    author: AgentRef | None
    text: str
    html: str = Field(description="Sanitised HTML, empty for plain-text messages.")
    external_id: str
    delivery_status: DeliveryStatus
    delivery_error: str
    attachments: list[AttachmentOut]
    saved_reply_id: int | None = Field(description="The saved reply a reply started from.")
    sent_unchanged: bool | None = Field(
        description="Started from a saved reply: whether it went out word for word; else null."
    )
    created_at: Timestamp

    @classmethod
    def of(cls, message: Message) -> Self:
        return cls(
            id=message.pk,
            case_id=message.case_id,
            direction=Direction(message.direction),
            channel=Channel(message.channel),
            author=AgentRef.of(message.author),
            text=message.text,
            html=message.html,
            external_id=message.external_id or "",
            delivery_status=DeliveryStatus(message.delivery_status),
            delivery_error=message.delivery_error,
            attachments=[AttachmentOut.of(a) for a in message.attachments.all()],
            saved_reply_id=message.saved_reply_id,
            sent_unchanged=message.sent_unchanged,
            created_at=message.created_at,
        )


class CallOut(Schema):
    id: int
    case_id: int
    direction: CallDirection
    outcome: CallOutcome
    phone: str
    agent: AgentRef | None
    started_at: Timestamp
    duration_seconds: int
    notes: str

    @classmethod
    def of(cls, call: Call) -> Self:
        return cls(
            id=call.pk,
            case_id=call.case_id,
            direction=CallDirection(call.direction),
            outcome=CallOutcome(call.outcome),
            phone=call.phone,
            agent=AgentRef.of(call.agent),
            started_at=call.started_at,
            duration_seconds=call.duration_seconds,
            notes=call.notes,
        )


class EventOut(Schema):
    id: int
    case_id: int
    kind: CaseEventKind
    actor: AgentRef | None
    before: dict[str, Any]
    after: dict[str, Any]
    reason: str
    created_at: Timestamp

    @classmethod
    def of(cls, event: CaseEvent) -> Self:
        return cls(
            id=event.pk,
            case_id=event.case_id,
            kind=CaseEventKind(event.kind),
            actor=AgentRef.of(event.actor),
            before=dict(event.before),
            after=dict(event.after),
            reason=event.reason,
            created_at=event.created_at,
        )


class TimelineEntryOut(Schema):
    kind: Literal["message", "call", "event"]
    at: Timestamp
    case_id: int
    message: MessageOut | None
    call: CallOut | None
    event: EventOut | None

    @classmethod
    def of(cls, entry: TimelineEntry) -> Self:
        return cls(
            kind=entry.kind,
            at=entry.at,
            case_id=entry.case_id,
            message=MessageOut.of(entry.message) if entry.message else None,
            call=CallOut.of(entry.call) if entry.call else None,
            event=EventOut.of(entry.event) if entry.event else None,
        )


class TimelinePage(Schema):
    items: list[TimelineEntryOut]
    next: str | None
