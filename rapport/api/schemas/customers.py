"""Customers: who they are, how to reach them, what is known about them."""

from __future__ import annotations

from typing import Any, Self

from ninja import Field, Schema
from pydantic import field_validator, model_validator

from rapport.api.schemas.agents import AgentRef
from rapport.api.schemas.base import Input, PageQuery, SearchMatchOut, Timestamp
from rapport.cases.models import Case, Priority, Status
from rapport.lib.wallclock import known_zone
from rapport.people.models import (
    Asset,
    Channel,
    Customer,
    Identity,
    IdentityKind,
    RapportNote,
    Verification,
)


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
