"""What the API reads and writes. Output schemas are built explicitly from loaded rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Self

from ninja import Field, Path, Schema
from pydantic import AfterValidator, field_validator, model_validator

from rapport.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from rapport.cases.models import (
    Attachment,
    Call,
    CallDirection,
    CallOutcome,
    Case,
    CaseEvent,
    CaseEventKind,
    DeliveryStatus,
    Direction,
    Message,
    Priority,
    Status,
)
from rapport.cases.search_matches import Match
from rapport.cases.selectors import TimelineEntry
from rapport.lib.storable import MAX_INT, storable
from rapport.lib.wallclock import known_zone
from rapport.people.models import (
    Agent,
    Asset,
    Availability,
    Channel,
    Customer,
    Identity,
    IdentityKind,
    RapportNote,
    Team,
    Verification,
)

# Every time the API writes is UTC, whatever offset it was given in.
Timestamp = Annotated[datetime, AfterValidator(lambda value: value.astimezone(UTC))]

# A row's id in a path: past 64 bits the database driver overflows, so such ids are a 422.
Id = Annotated[int, Path(ge=1, le=MAX_INT)]

# The longest free text the API takes (a message, a call's notes): what a person writes, with
# room to spare; the request size limit (DATA_UPLOAD_MAX_MEMORY_SIZE) bounds the whole body.
LONG_TEXT = 100_000


class Input(Schema):
    """Everything the API reads (bodies and query strings) derives from this schema.

    One validator sees every field of every input, nested lists and mappings included, and
    refuses what the database could not store (rapport/lib/storable.py): NUL characters and
    lone surrogates in text, times outside 1900-2199 or without an offset, integers past 64
    bits, NaN and infinite amounts. tests/api/test_edge.py holds every operation to it.
    """

    @field_validator("*")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return storable(value)


# ---------------------------------------------------------------- errors and pages


class ErrorDetail(Schema):
    field: str | None
    message: str


class ErrorBody(Schema):
    code: Literal[
        "bad_request",
        "unauthorized",
        "forbidden",
        "not_found",
        "method_not_allowed",
        "conflict",
        "gone",
        "payload_too_large",
        "validation_error",
        "too_many_requests",
        "server_error",
    ]
    message: str = Field(description="A sentence for a person.")
    field: str | None = Field(description="The input field at fault, dotted for nested ones.")
    details: list[ErrorDetail] | None = Field(None, description="Every problem, for 422.")


class ErrorOut(Schema):
    error: ErrorBody


class SpanOut(Schema):
    start: int
    end: int


MatchField = Literal[
    "subject", "message", "reply", "note", "call",
    "name", "preferred_name", "organization", "email", "phone", "social", "external",
]  # fmt: skip


class SearchMatchOut(Schema):
    """Why a result matched `q`: the field and an excerpt with the matched words."""

    id: int = Field(description="The case or customer of `items` it explains.")
    field: MatchField = Field(
        description="Where it matched: the subject, a customer's message, a reply, an internal "
        "note, call notes, the customer's name, preferred name or organisation, or an address."
    )
    label: str = Field(description="The field, for a person.")
    text: str = Field(description="An excerpt of the field (the whole of a short one).")
    highlights: list[SpanOut] = Field(description="The matched words, as offsets in `text`.")

    @classmethod
    def all_of(cls, matches: dict[int, list[Match]]) -> list[Self]:
        return [
            cls(
                id=item_id,
                field=match.field,  # type: ignore[arg-type]
                label=match.label,
                text=match.text,
                highlights=[SpanOut(start=start, end=end) for start, end in match.highlights],
            )
            for item_id, found in matches.items()
            for match in found
        ]


class PageQuery(Input):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page.")
    cursor: str | None = Field(
        None, max_length=500, description="The 'next' value of the previous page."
    )


# ---------------------------------------------------------------- people


class AgentRef(Schema):
    id: int
    display_name: str

    @classmethod
    def of(cls, agent: Agent | None) -> Self | None:
        return None if agent is None else cls(id=agent.pk, display_name=agent.display_name)


class TeamRef(Schema):
    id: int
    name: str
    slug: str

    @classmethod
    def of(cls, team: Team | None) -> Self | None:
        return None if team is None else cls(id=team.pk, name=team.name, slug=team.slug)


class SiteRef(Schema):
    id: int
    name: str
    timezone: str


class AgentOut(Schema):
    id: int
    username: str
    display_name: str
    signature: str
    site: SiteRef | None
    timezone: str
    availability: Availability
    is_supervisor: bool
    skills: list[str]
    capacity: int
    phone: str
    teams: list[TeamRef]

    @classmethod
    def of(cls, agent: Agent) -> Self:
        site = agent.site
        return cls(
            id=agent.pk,
            username=agent.user.get_username(),
            display_name=agent.display_name,
            signature=agent.signature,
            site=None
            if site is None
            else SiteRef(id=site.pk, name=site.name, timezone=site.timezone),
            timezone=agent.timezone,
            availability=Availability(agent.availability),
            is_supervisor=agent.is_supervisor,
            skills=[str(skill) for skill in agent.skills],
            capacity=agent.capacity,
            phone=agent.phone,
            teams=[TeamRef(id=t.pk, name=t.name, slug=t.slug) for t in agent.teams.all()],
        )


class AgentPage(Schema):
    items: list[AgentOut]
    next: str | None


class IdentityIn(Input):
    kind: IdentityKind
    value: str = Field(min_length=1, max_length=320)


class IdentityOut(Schema):
    id: int
    kind: IdentityKind
    value: str
    label: str
    is_primary: bool
    undeliverable_reason: str
    verified: bool = Field(
        description="Only a verified identity threads mail and receives replies; one typed on a "
        "public form or given by a mail that failed sender authentication is not."
    )
    verification: Verification = Field(
        description="How it was verified: typed by an agent, confirmed by the customer, or "
        "proven by the channel; empty when it is not."
    )
    verified_at: Timestamp | None

    @classmethod
    def of(cls, identity: Identity) -> Self:
        return cls(
            id=identity.pk,
            kind=IdentityKind(identity.kind),
            value=identity.value,
            label=identity.label,
            is_primary=identity.is_primary,
            undeliverable_reason=identity.undeliverable_reason,
            verified=identity.is_verified,
            verification=Verification(identity.verification),
            verified_at=identity.verified_at,
        )


class RapportNoteIn(Input):
    text: str = Field(max_length=500)


class RapportNoteOut(Schema):
    id: int
    text: str
    pinned: bool
    author: AgentRef | None
    created_at: Timestamp

    @classmethod
    def of(cls, note: RapportNote) -> Self:
        return cls(
            id=note.pk,
            text=note.text,
            pinned=note.pinned,
            author=AgentRef.of(note.author),
            created_at=note.created_at,
        )


class AssetIn(Input):
    name: str = Field(max_length=200)
    kind: str = Field("", max_length=50)
    reference: str = Field("", max_length=100, description="Order or serial number.")
    attributes: dict[str, Any] = Field(
        default_factory=dict, description='Free-form, e.g. {"length_cm": 104, "os": "iOS 18"}.'
    )


class AssetOut(Schema):
    id: int
    name: str
    kind: str
    reference: str
    attributes: dict[str, Any]
    created_at: Timestamp

    @classmethod
    def of(cls, asset: Asset) -> Self:
        return cls(
            id=asset.pk,
            name=asset.name,
            kind=asset.kind,
            reference=asset.reference,
            attributes=dict(asset.attributes),
            created_at=asset.created_at,
        )


def _known_timezone(value: str) -> str:
    if known_zone(value) is None:
        raise ValueError(f"{value!r} is not a known time zone (e.g. Europe/Madrid)")
    return value


class CustomerIn(Input):
    name: str = Field(min_length=1, max_length=200)
    preferred_name: str = Field("", max_length=100)
    timezone: str = Field("UTC", max_length=64)
    language: str = Field("en", max_length=10)
    preferred_channel: Channel = Channel.EMAIL
    organization: str = Field("", max_length=200)
    identities: list[IdentityIn] = Field(default_factory=list)
    owner_id: int | None = Field(
        None, description="The person who knows this customer; you, unless given (null: nobody)."
    )
    deputy_id: int | None = None

    @field_validator("timezone")
    @classmethod
    def check_timezone(cls, value: str) -> str:
        return _known_timezone(value)


class CustomerPatch(Input):
    """Only the fields sent are changed."""

    name: str | None = Field(None, min_length=1, max_length=200)
    preferred_name: str | None = Field(None, max_length=100)
    timezone: str | None = Field(None, max_length=64)
    language: str | None = Field(None, max_length=10)
    preferred_channel: Channel | None = None

    @model_validator(mode="after")
    def check_no_nulls(self) -> Self:
        nulls = sorted(name for name in self.model_fields_set if getattr(self, name) is None)
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null; leave it out to keep it")
        return self

    @field_validator("timezone")
    @classmethod
    def check_timezone(cls, value: str | None) -> str | None:
        return None if value is None else _known_timezone(value)


class RelationshipIn(Input):
    owner_id: int | None = Field(description="The person who knows this customer.")
    deputy_id: int | None = Field(description="Who stands in for the owner.")


class MergeIn(Input):
    into: int = Field(description="The id that survives; everything moves onto it.")
    reason: str = Field("", max_length=500)


class CustomerRef(Schema):
    id: int
    name: str
    preferred_name: str


class CustomerOut(Schema):
    id: int
    name: str
    preferred_name: str
    timezone: str
    language: str
    preferred_channel: Channel
    organization: str | None
    owner: AgentRef | None
    deputy: AgentRef | None
    identities: list[IdentityOut]
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def fields_of(cls, customer: Customer) -> dict[str, Any]:
        return {
            "id": customer.pk,
            "name": customer.name,
            "preferred_name": customer.preferred_name,
            "timezone": customer.timezone,
            "language": customer.language,
            "preferred_channel": Channel(customer.preferred_channel),
            "organization": customer.organization.name if customer.organization else None,
            "owner": AgentRef.of(customer.owner),
            "deputy": AgentRef.of(customer.deputy),
            "identities": [IdentityOut.of(i) for i in customer.identities.all()],
            "created_at": customer.created_at,
            "updated_at": customer.updated_at,
        }

    @classmethod
    def of(cls, customer: Customer) -> Self:
        return cls(**cls.fields_of(customer))


class CaseRef(Schema):
    id: int
    subject: str
    status: Status
    priority: Priority
    owner: AgentRef | None
    updated_at: Timestamp


class LikelyDuplicateOut(Schema):
    reason: str = Field(description="What matched, e.g. the number typed on the contact page.")
    customer: CustomerRef | None = Field(
        description="The customer this record is likely to be, if you serve them; merge with "
        "POST /customers/{id}/merge, or dismiss with POST /customers/{id}/not-a-duplicate."
    )


class CustomerDetailOut(CustomerOut):
    rapport_notes: list[RapportNoteOut] = Field(description="Pinned personal facts.")
    assets: list[AssetOut]
    open_cases: list[CaseRef] = Field(description="Active cases you can see, newest first.")
    likely_duplicate: LikelyDuplicateOut | None = Field(
        description="Set when a public form or an unauthenticated mail gave an identity a known "
        "customer has: an agent confirms (merges) or dismisses it."
    )

    @classmethod
    def detail(cls, customer: Customer, *, open_cases: list[Case], likely: Customer | None) -> Self:
        return cls(
            **cls.fields_of(customer),
            likely_duplicate=(
                LikelyDuplicateOut(
                    reason=customer.duplicate_reason,
                    customer=CustomerRef(
                        id=likely.pk, name=likely.name, preferred_name=likely.preferred_name
                    )
                    if likely
                    else None,
                )
                if customer.likely_duplicate_of_id
                else None
            ),
            rapport_notes=[RapportNoteOut.of(n) for n in customer.rapport_notes.all()],
            assets=[AssetOut.of(a) for a in customer.assets.all()],
            open_cases=[
                CaseRef(
                    id=c.pk,
                    subject=c.subject,
                    status=Status(c.status),
                    priority=Priority(c.priority),
                    owner=AgentRef.of(c.owner),
                    updated_at=c.updated_at,
                )
                for c in open_cases
            ],
        )


class CustomerPage(Schema):
    items: list[CustomerOut]
    next: str | None
    matches: list[SearchMatchOut] = Field(description="With `q`: why each customer matched.")


class CustomerQuery(PageQuery):
    q: str = Field(
        "",
        max_length=200,
        description="Part of a name or organisation, or of an email, phone (typed any way: "
        "`612 345 678`, `+1 647 555 0142`) or social handle (`@anna_b`).",
    )


# ---------------------------------------------------------------- timeline entries


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
