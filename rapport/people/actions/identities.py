"""A customer's addresses and numbers: added, verified, removed, marked undeliverable."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from rapport.lib.errors import ActionError
from rapport.lib.identities import InvalidIdentity, normalise
from rapport.people.actions.events import record_customer_event
from rapport.people.models import (
    Agent,
    Customer,
    CustomerEventKind,
    Identity,
    IdentityKind,
    Verification,
)

# What an agent or operator types about a customer they serve is verified by their word.
BY_AGENT = (Verification.AGENT, "")


class AddressJustTaken(ActionError):
    """Another request added the address at the same moment and committed first (it was not
    there when this one looked). Nothing of this request is kept; done again, it finds the
    address where the other request put it."""


def phone_region(agent: Agent | None) -> str:
    """Where a number typed without its country code is read: the country of the agent's site,
    else the desk's RAPPORT_DEFAULT_PHONE_REGION. The duplicate check and saving both read
    through here, so what the check found is what is saved."""
    site = agent.site if agent is not None else None
    return (
        site.country if site is not None and site.country else settings.RAPPORT_DEFAULT_PHONE_REGION
    )


def normalise_identity(kind: str, value: str, *, by: Agent | None = None) -> str:
    """`value` as stored: a phone number read where `by` works (`phone_region`)."""
    try:
        return normalise(kind, value, default_region=phone_region(by))
    except InvalidIdentity as exc:
        raise ActionError(str(exc), field="identities") from exc


def attach_identity(
    customer: Customer, *, kind: str, value: str, primary: bool, proof: tuple[str, str]
) -> Identity:
    """The identity on this customer, verified as `proof` says (an unverified one of theirs is
    verified now). A verified identity belongs to one customer only; an unverified one of
    another customer (a claim typed on a public form) is no obstacle."""
    held = Identity.objects.filter(kind=kind, value=value).filter(
        Q(customer=customer) | Q(verified_at__isnull=False)
    )
    existing = held.order_by(F("verified_at").asc(nulls_last=True)).first()
    if existing is not None and existing.customer_id != customer.pk:
        # Never named: the person asking may not be allowed to see the other customer.
        raise ActionError(
            f"{value} already belongs to another customer; if it is the same person, merge "
            "the two customers instead (a supervisor can merge any two).",
            field="identities",
        )
    if existing is not None:
        if proof[0] and not existing.is_verified:
            _verify(existing, proof)
        return existing
    verified_at = timezone.now() if proof[0] else None
    try:
        with transaction.atomic():
            return Identity.objects.create(
                customer=customer,
                kind=kind,
                value=value,
                is_primary=primary,
                verification=proof[0],
                verified_at=verified_at,
                verification_note=proof[1][:200],
            )
    except IntegrityError as exc:
        raise AddressJustTaken(f"{value} was just added to another customer.") from exc


def _verify(identity: Identity, proof: tuple[str, str]) -> None:
    identity.verification, identity.verification_note = proof[0], proof[1][:200]
    identity.verified_at = timezone.now()
    try:
        with transaction.atomic():
            identity.save(update_fields=["verification", "verified_at", "verification_note"])
    except IntegrityError as exc:
        raise ActionError(
            f"{identity.value} is already verified for another customer; merge the two "
            "customers instead.",
            field="identities",
        ) from exc


@transaction.atomic
def add_identity(*, customer: Customer, kind: str, value: str, by: Agent | None) -> Identity:
    if kind not in IdentityKind.values:
        raise ActionError(f"{kind!r} is not a kind of identity.", field="kind")
    normalised = normalise_identity(kind, value, by=by)
    primary = not customer.identities.filter(kind=kind).exists()
    identity = attach_identity(
        customer, kind=kind, value=normalised, primary=primary, proof=BY_AGENT
    )
    record_customer_event(
        customer, by=by, kind=CustomerEventKind.IDENTITY_ADDED, identity=f"{kind}:{normalised}"
    )
    return identity


@transaction.atomic
def add_claimed_identity(*, customer: Customer, kind: str, value: str, source: str) -> Identity:
    """An address the customer typed themselves on a public page (a chat's "call me on"): kept
    unverified on their record, as `create_claimed_customer` keeps what a new one typed, whoever
    else holds it; it threads no mail and receives no reply until verified."""
    normalised = normalise_identity(kind, value)
    existing = Identity.objects.filter(customer=customer, kind=kind, value=normalised).first()
    if existing is not None:
        return existing
    identity = Identity.objects.create(
        customer=customer,
        kind=kind,
        value=normalised,
        is_primary=not customer.identities.filter(kind=kind).exists(),
        verification_note=source[:200],
    )
    record_customer_event(
        customer,
        by=None,
        kind=CustomerEventKind.IDENTITY_ADDED,
        identity=f"{kind}:{normalised}",
        unverified=True,
        source=source,
    )
    return identity


@transaction.atomic
def verify_identity(
    *, identity: Identity, by: Agent | None, how: str = Verification.AGENT, note: str = ""
) -> Identity:
    """An agent who serves the customer vouches for this address or number (they called it,
    or the customer confirmed it): from now on it threads mail and receives replies."""
    if how not in Verification.values or not how:
        raise ActionError(f"{how!r} is not a way to verify an identity.", field="how")
    locked = Identity.objects.select_for_update().get(pk=identity.pk)
    if locked.is_verified:
        return locked
    _verify(locked, (how, note))
    record_customer_event(
        locked.customer,
        by=by,
        kind=CustomerEventKind.IDENTITY_VERIFIED,
        identity=f"{locked.kind}:{locked.value}",
        how=how,
    )
    return locked


@transaction.atomic
def remove_identity(*, identity: Identity, by: Agent | None) -> None:
    customer = identity.customer
    record_customer_event(
        customer, by=by, kind=CustomerEventKind.IDENTITY_REMOVED, identity=str(identity)
    )
    identity.delete()


@transaction.atomic
def mark_identity_undeliverable(
    *, identity: Identity, reason: str, by: Agent | None = None
) -> Identity:
    """Mail to this address bounced: keep the reason so nobody writes into the void again."""
    reason = " ".join(reason.split())[:300] or "Mail to this address bounced."
    Identity.objects.filter(pk=identity.pk).update(undeliverable_reason=reason)
    identity.undeliverable_reason = reason
    record_customer_event(
        identity.customer,
        by=by,
        kind=CustomerEventKind.IDENTITY_UNDELIVERABLE,
        identity=f"{identity.kind}:{identity.value}",
        reason=reason,
    )
    return identity
