"""/intake: inbound email as stored, what became of it, and processing it again."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status as HttpStatus

from rapport.api.auth import agent_of, supervisor_required
from rapport.api.customers import READ_ERRORS, WRITE_ERRORS
from rapport.api.pagination import Keyset, keyset_page
from rapport.api.schemas.base import ErrorOut, Id, PageQuery
from rapport.datacare.actions.access import raw_deleted_notice, read_raw_mail
from rapport.datacare.models import Via
from rapport.mail import selectors
from rapport.mail.access import inbound_for_agent
from rapport.mail.actions.intake import retry_inbound_email
from rapport.mail.models import InboundEmail

router = Router(tags=["intake"])
NEWEST_FIRST = Keyset("received_at", descending=True)
CONFLICT_ERRORS: dict[int, type[ErrorOut]] = {**WRITE_ERRORS, 409: ErrorOut}

StatusFilter = Literal[
    "attention",
    "received",
    "processed",
    "duplicate",
    "auto_reply",
    "bounce",
    "rejected",
    "failed",
    "quarantined",
]


class InboundOut(Schema):
    id: int
    message_id: str = Field(description='"<id@host>", or one made from a hash of the bytes.')
    source: str
    source_ref: str
    received_at: datetime
    envelope_from: str
    envelope_to: list[str]
    sender: str
    subject: str
    size: int
    status: str
    outcome: str = Field(
        description=(
            "new_case, threaded, duplicate, auto_reply, bounce, rejected, failed or quarantined."
        )
    )
    reason: str
    error: str
    parse_errors: list[str]
    attempts: int
    retry_at: datetime | None
    processed_at: datetime | None
    customer_id: int | None
    case_id: int | None
    case_message_id: int | None
    duplicate_of_id: int | None

    @classmethod
    def of(cls, row: InboundEmail) -> Self:
        return cls(
            id=row.pk,
            message_id=row.message_id,
            source=row.source,
            source_ref=row.source_ref,
            received_at=row.received_at,
            envelope_from=row.envelope_from,
            envelope_to=[str(a) for a in row.envelope_to],
            sender=row.sender,
            subject=row.subject,
            size=row.size,
            status=row.status,
            outcome=row.outcome,
            reason=row.reason,
            error=row.error,
            parse_errors=[str(e) for e in row.parse_errors],
            attempts=row.attempts,
            retry_at=row.retry_at,
            processed_at=row.processed_at,
            customer_id=row.customer_id,
            case_id=row.case_id,
            case_message_id=row.case_message_id,
            duplicate_of_id=row.duplicate_of_id,
        )


class InboundPage(Schema):
    items: list[InboundOut]
    next: str | None


class IntakeQuery(PageQuery):
    status: StatusFilter = Field(
        "attention",
        description=(
            '"attention" (failed, rejected, quarantined, or waiting too long) or one status.'
        ),
    )


@router.get("", response={200: InboundPage, **READ_ERRORS}, summary="Inbound email")
@supervisor_required
def list_intake(request: HttpRequest, filters: Query[IntakeQuery]) -> InboundPage:
    """Newest first; by default the mail that needs a person. Supervisors only."""
    rows = selectors.intake_rows(status=filters.status, now=timezone.now())
    page, next_cursor = keyset_page(
        rows, keyset=NEWEST_FIRST, limit=filters.limit, cursor=filters.cursor
    )
    return InboundPage(items=[InboundOut.of(row) for row in page], next=next_cursor)


@router.get(
    "/{int:inbound_id}", response={200: InboundOut, **READ_ERRORS}, summary="One inbound email"
)
def get_inbound(request: HttpRequest, inbound_id: Id) -> InboundOut:
    """Supervisors see every one; an agent those that became part of a case they can see."""
    return InboundOut.of(inbound_for_agent(agent_of(request), inbound_id))


@router.get(
    "/{int:inbound_id}/raw",
    response={200: None, **READ_ERRORS, 410: ErrorOut},
    summary="The exact bytes received",
    openapi_extra={
        "responses": {200: {"description": "message/rfc822", "content": {"message/rfc822": {}}}}
    },
)
def get_inbound_raw(request: HttpRequest, inbound_id: Id) -> HttpResponse:
    agent = agent_of(request)
    row = inbound_for_agent(agent, inbound_id)
    raw = read_raw_mail(row, agent=agent, via=Via.API)
    if raw is None:
        raise HttpError(410, raw_deleted_notice(row))
    response = HttpResponse(raw, content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="inbound-{row.pk}.eml"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.post(
    "/{int:inbound_id}/retry",
    response={202: InboundOut, **CONFLICT_ERRORS},
    summary="Process a failed or rejected email again",
)
@supervisor_required
def retry_inbound(request: HttpRequest, inbound_id: Id) -> HttpStatus[InboundOut]:
    """Queues it for the worker; a rejected one is let through the per-sender rate limit.
    Anything else (already processed) is a 400. Supervisors only."""
    agent = agent_of(request)
    row = inbound_for_agent(agent, inbound_id)
    row = retry_inbound_email(inbound=row, by=agent)
    return HttpStatus(202, InboundOut.of(row))
