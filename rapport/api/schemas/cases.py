"""What the API reads and writes about cases: their rows, filters and the actions' input."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any, Self

from django.conf import settings
from ninja import Field, Schema
from pydantic import AwareDatetime, model_validator

from rapport.api.schemas.agents import AgentRef, TeamRef
from rapport.api.schemas.base import (
    LONG_TEXT,
    ErrorOut,
    Input,
    PageQuery,
    SearchMatchOut,
    Timestamp,
)
from rapport.api.schemas.customers import CustomerRef
from rapport.api.schemas.timeline import CallOut, MessageOut
from rapport.api.schemas.triage import TriageOut
from rapport.cases.attachments import Upload
from rapport.cases.models import (
    Call,
    CallDirection,
    CallOutcome,
    Case,
    Message,
    Priority,
    Status,
)
from rapport.cases.queue import Sort
from rapport.cases.selectors import Handover
from rapport.lib.errors import ActionError
from rapport.people.models import (
    Channel,
    IdentityKind,
)
from rapport.routing.actions.starting import CallDetails, FirstEntry


class CaseOut(Schema):
    id: int
    subject: str
    status: Status
    allowed_statuses: list[Status] = Field(description="What the status may change to next.")
    priority: Priority
    customer: CustomerRef
    owner: AgentRef | None
    team: TeamRef | None
    brand_id: int | None = Field(
        description="The business the case belongs to (it never leaves it); null on a desk "
        "without brands."
    )
    origin_channel: Channel
    tags: list[str]
    last_message_preview: str
    first_response_due_at: Timestamp | None
    next_response_due_at: Timestamp | None
    first_response_at: Timestamp | None
    resolved_at: Timestamp | None
    merged_into_id: int | None
    triage: TriageOut | None = Field(
        description="What triage read in the customer's latest message, with why; null when no "
        "message of theirs was triaged on the case."
    )
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def fields_of(cls, case: Case) -> dict[str, Any]:
        customer = case.customer
        return {
            "id": case.pk,
            "subject": case.subject,
            "status": Status(case.status),
            "allowed_statuses": [Status(value) for value, _ in case.allowed_statuses()],
            "priority": Priority(case.priority),
            "customer": CustomerRef(
                id=customer.pk, name=customer.name, preferred_name=customer.preferred_name
            ),
            "owner": AgentRef.of(case.owner),
            "team": TeamRef.of(case.team),
            "brand_id": case.brand_id,
            "origin_channel": Channel(case.origin_channel),
            "tags": [str(tag) for tag in case.tags],
            "last_message_preview": case.last_message_preview,
            "first_response_due_at": case.first_response_due_at,
            "next_response_due_at": case.next_response_due_at,
            "first_response_at": case.first_response_at,
            "resolved_at": case.resolved_at,
            "merged_into_id": case.merged_into_id,
            "triage": TriageOut.of(case),
            "created_at": case.created_at,
            "updated_at": case.updated_at,
        }

    @classmethod
    def of(cls, case: Case) -> Self:
        return cls(**cls.fields_of(case))


class CaseDetailOut(CaseOut):
    messages: list[MessageOut] = Field(description="Oldest first, internal notes included.")
    calls: list[CallOut] = Field(description="Oldest first.")

    @classmethod
    def detail(cls, case: Case, *, messages: list[Message], calls: list[Call]) -> Self:
        return cls(
            **cls.fields_of(case),
            messages=[MessageOut.of(m) for m in messages],
            calls=[CallOut.of(c) for c in calls],
        )


class CasePage(Schema):
    items: list[CaseOut]
    next: str | None
    matches: list[SearchMatchOut] = Field(description="With `q`: why each case matched.")


class CaseQuery(PageQuery):
    status: list[Status] = Field(default_factory=list, description="Repeat for several.")
    priority: list[Priority] = Field(default_factory=list, description="Repeat for several.")
    owner: str | None = Field(None, max_length=30, description='An agent id, "me" or "none".')
    team: int | None = Field(None, description="A team id.")
    customer: int | None = Field(None, description="A customer id.")
    q: str = Field(
        "",
        max_length=200,
        description="Words in the subject, messages, call notes, or the customer's name or "
        "organisation; or part of the customer's email, phone (typed any way) or handle.",
    )
    sort: Sort | None = Field(
        None,
        description="The inbox's orders: updated, priority, due (soonest), waiting (longest); "
        "urgent active cases first in each. Without it: most recently updated first.",
    )


class CustomerIdentityIn(Input):
    """Finds the customer with this address, or creates them."""

    kind: IdentityKind
    value: str = Field(min_length=1, max_length=320)
    name: str = Field("", max_length=200, description="Used only when a customer is created.")


class FirstCallIn(Input):
    """How the call the case starts with went; its notes are `text`."""

    outcome: CallOutcome = CallOutcome.REACHED
    phone: str = Field("", max_length=32)
    duration_seconds: int = Field(0, ge=0, le=24 * 3600)
    started_at: AwareDatetime | None = Field(None, description="Defaults to now.")

    def details(self) -> CallDetails:
        return CallDetails(
            outcome=self.outcome.value,
            phone=self.phone,
            duration_seconds=self.duration_seconds,
            started_at=self.started_at,
        )


class CaseIn(Input):
    customer_id: int | None = Field(None, description="An existing customer; or send `customer`.")
    customer: CustomerIdentityIn | None = None
    subject: str = Field("", max_length=300, description="Defaults to the start of the text.")
    first_entry: FirstEntry = Field(
        FirstEntry.INBOUND_MESSAGE,
        description="What the case starts with: the customer's message (`inbound_message`, "
        "on `channel`), our message to them (`outbound_message`: `text`, queued on `channel` or "
        "the channel that reaches them, and sent by the worker; refused if nothing can carry "
        "it), a call they made (`inbound_call`: `text` is what they said) or one we made "
        "(`outbound_call`: `text` is the call's notes). A case we start has no response "
        "deadline: nobody waits on us.",
    )
    channel: Channel | None = Field(
        None,
        description="Required for `inbound_message`; for a call, phone (or omit it).",
    )
    text: str = Field(
        "",
        max_length=LONG_TEXT,
        description="The first entry's words (the customer's message may come as html).",
    )
    html: str = Field("", max_length=LONG_TEXT)
    call: FirstCallIn | None = Field(
        None, description="With a call: how it went (default: reached, now)."
    )
    priority: Priority = Priority.NORMAL
    tags: list[Annotated[str, Field(max_length=50)]] = Field(default_factory=list)
    owner_id: int | None = Field(
        None,
        description="Omit to let the desk route the case to a named owner, continuity first "
        "(the customer's own person when on shift).",
    )
    team_id: int | None = None
    external_id: str = Field("", max_length=300, description="The channel's own id, if any.")
    received_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def check_one_customer(self) -> Self:
        if (self.customer_id is None) == (self.customer is None):
            raise ValueError("send either customer_id or customer {kind, value, name}, not both")
        return self


class AttachmentIn(Input):
    filename: str = Field(..., min_length=1, max_length=255)
    content_type: str = Field("application/octet-stream", max_length=100)
    content_base64: str = Field(
        ...,
        # The largest attachment, base64-encoded (4 characters for every 3 bytes).
        max_length=(settings.RAPPORT_ATTACHMENT_MAX_BYTES + 2) // 3 * 4,
        description="The file's bytes, base64-encoded.",
    )

    def upload(self) -> Upload:
        try:
            data = base64.b64decode(self.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ActionError(
                f"{self.filename}: content_base64 is not valid base64.", field="attachments"
            ) from exc
        return Upload(self.filename, self.content_type, data)


class ReplyIn(Input):
    text: str = Field(max_length=LONG_TEXT)
    channel: Channel | None = Field(None, description="Defaults to the case's channel.")
    attachments: list[AttachmentIn] = Field(
        default_factory=list,
        max_length=settings.RAPPORT_ATTACHMENTS_MAX_COUNT,
        description="Files sent with the reply (see the size limits).",
    )
    saved_reply_id: int | None = Field(
        None,
        ge=1,
        description="The saved reply you started from: recorded with whether the text is it "
        "word for word, which the case's business may refuse (400 on `text`).",
    )
    seen_message_id: int | None = Field(
        None,
        ge=0,
        description=(
            "The newest message of the case you have seen. If the customer or a colleague wrote "
            "on the case after it, the reply is not sent: 409 with what arrived. Send again "
            "with the newest of those to send as it is. Without it there is no check."
        ),
    )


class HeldReplyOut(ErrorOut):
    """A reply not sent because others wrote on the case since the message you saw last."""

    messages: list[MessageOut] = Field(description="What arrived since, oldest first.")


class CaseNoteIn(Input):
    text: str = Field(max_length=LONG_TEXT)
    attachments: list[AttachmentIn] = Field(
        default_factory=list, max_length=settings.RAPPORT_ATTACHMENTS_MAX_COUNT
    )


class CaseCallIn(Input):
    direction: CallDirection
    outcome: CallOutcome
    notes: str = Field("", max_length=LONG_TEXT)
    phone: str = Field("", max_length=32)
    duration_seconds: int = Field(0, ge=0, le=24 * 3600)
    started_at: AwareDatetime | None = Field(None, description="Defaults to now.")


class StatusIn(Input):
    status: Status
    reason: str = Field("", max_length=500)
    expected: Status | None = Field(
        None, description="The status you saw; if it changed meanwhile you get a 409."
    )


class HandedOverOut(CaseOut):
    """The case as handed over, with what happens next for the person who handed it."""

    you_can_open: bool = Field(description="Whether you may still open the case.")
    what_next: str = Field(description="Who has the case now and whether you still see it.")

    @classmethod
    def handed(cls, case: Case, handover: Handover) -> Self:
        return cls(
            **cls.fields_of(case),
            you_can_open=handover.you_can_open,
            what_next=handover.what_next,
        )


class OwnerIn(Input):
    owner_id: int
    reason: str = Field("", max_length=500)
    team_id: int | None = None


class PriorityIn(Input):
    priority: Priority
    reason: str = Field("", max_length=500)


class TagsIn(Input):
    tags: list[Annotated[str, Field(max_length=50)]] = Field(
        max_length=200,
        description="The case's tags from now on: trimmed, lower-cased, each once; at most "
        "RAPPORT_CASE_MAX_TAGS distinct ones (50 by default), refused with a 400 beyond.",
    )
    seen: list[Annotated[str, Field(max_length=50)]] | None = Field(
        None,
        max_length=200,
        description="The tags you saw. Only what you changed from them is applied, so a tag "
        "someone else added or removed meanwhile stays as they left it. Omit to apply "
        "`tags` against the case's tags as they are now.",
    )


class ResolveIn(Input):
    reason: str = Field("", max_length=500)


class SplitIn(Input):
    subject: str = Field("", max_length=300)
