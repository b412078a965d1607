"""Creating and updating customers: typed by an agent, found or made for what a channel
brought, or claimed by an unverified source."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from rapport.lib.bulk import insert_each, quote
from rapport.lib.errors import ActionError
from rapport.people.actions.events import (
    NewCustomerEvent,
    record_customer_event,
    record_customer_events,
)
from rapport.people.actions.identities import (
    BY_AGENT,
    AddressJustTaken,
    attach_identity,
    normalise_identity,
)
from rapport.people.actions.merging import follow_merges
from rapport.people.models import (
    Agent,
    Customer,
    CustomerEventKind,
    Identity,
    Organization,
    Verification,
)


@transaction.atomic
def create_customer(
    *,
    name: str,
    by: Agent | None,
    identities: Iterable[tuple[str, str]] = (),
    preferred_name: str = "",
    timezone_name: str = "UTC",
    language: str = "en",
    preferred_channel: str = "email",
    organization: str = "",
    owner: Agent | None = None,
    deputy: Agent | None = None,
) -> Customer:
    if not name.strip():
        raise ActionError("A customer needs a name.", field="name")
    identities = list(identities)
    most = settings.RAPPORT_MAX_IDENTITIES_PER_REQUEST
    if len(identities) > most:
        raise ActionError(
            f"At most {most} identities can be given at once; {len(identities):,} were given.",
            field="identities",
        )
    normalised = [(kind, normalise_identity(kind, value, by=by)) for kind, value in identities]
    customer = _new_customer(
        name=name,
        preferred_name=preferred_name.strip(),
        timezone=timezone_name,
        language=language,
        preferred_channel=preferred_channel,
        organization=(
            Organization.objects.get_or_create(name=organization.strip())[0]
            if organization.strip()
            else None
        ),
        owner=owner,
        deputy=deputy,
    )
    customer.save()
    seen_kinds: set[str] = set()
    for kind, value in normalised:
        attach_identity(
            customer, kind=kind, value=value, primary=kind not in seen_kinds, proof=BY_AGENT
        )
        seen_kinds.add(kind)
    record_customer_event(
        customer,
        by=by,
        kind=CustomerEventKind.CREATED,
        identities=[f"{k}:{v}" for k, v in normalised],
    )
    return customer


def _new_customer(*, name: str, **fields: Any) -> Customer:
    """A customer checked and ready to be written."""
    if not name.strip():
        raise ActionError("A customer needs a name.", field="name")
    customer = Customer(name=name.strip(), **fields)
    customer.full_clean(exclude=["organization", "owner", "deputy", "merged_into"])
    return customer


@transaction.atomic
def create_likely_duplicate(
    *, name: str, kind: str, value: str, of: Customer, by: Agent | None
) -> Customer:
    """A new customer for an address that already belongs to `of`, typed by someone who may not
    file cases on `of`: the address stays with `of` (an address is one person's) and is noted
    on both records, for a person who serves both to merge them if they are the same."""
    customer = create_customer(name=name or "Unknown", by=by)
    note_likely_duplicate(customer, kind=kind, value=value, of=of, by=by)
    return customer


def note_likely_duplicate(
    customer: Customer, *, kind: str, value: str, of: Customer, by: Agent | None
) -> None:
    """`customer` was given `value`, an address `of` holds: flagged as likely `of` and noted on
    both records."""
    # Flagged like a contact-page duplicate: shown on its pages to merge in one click.
    customer.likely_duplicate_of = of
    customer.duplicate_reason = f"{value} was typed for it, which a known customer has"[:300]
    customer.save(update_fields=["likely_duplicate_of", "duplicate_reason"])
    identity = f"{kind}:{value}"
    record_customer_event(
        customer, by=by, kind=CustomerEventKind.LIKELY_DUPLICATE, identity=identity, of=of.pk
    )
    record_customer_event(
        of, by=by, kind=CustomerEventKind.LIKELY_DUPLICATE, identity=identity, duplicate=customer.pk
    )


@transaction.atomic
def find_or_create_customer(
    *, kind: str, value: str, name: str, by: Agent | None = None
) -> tuple[Customer, bool]:
    """The customer whose verified address this is, or a new one; display names never split a
    person."""
    return find_or_create_customers(kind=kind, people=[(value, name)], by=by)[0]


@transaction.atomic(savepoint=False)  # a batch: the caller's transaction or savepoint holds it
def find_or_create_customers(
    *,
    kind: str,
    people: Sequence[tuple[str, str]],
    by: Agent | None = None,
    found: Mapping[str, Customer] | None = None,
    proof: str = "",
) -> list[tuple[Customer, bool]]:
    """For each (address, display name): the customer whose verified address it is, or a new
    one (created once however often the address comes); True beside a customer made here. Read
    in one query, or not at all when the caller gives what it `found` for every one of these
    (normalised) addresses in this transaction; created with one statement a table.

    A new customer's address is verified: typed by the agent `by`, else proven by the channel
    it came through (`proof` says how, e.g. "first mail from this address"). When only an
    unverified claim on the address exists (someone typed it on the contact page), the new
    customer is flagged as a likely duplicate of the claimant, for an agent to merge."""
    values = [normalise_identity(kind, value, by=by) for value, _ in people]
    if found is None:
        found = known_customers(kind=kind, values=set(values))
    made: dict[str, Customer] = {}
    for value, (_, name) in zip(values, people, strict=True):
        if value not in found and value not in made:
            made[value] = _new_customer(name=name or value)
    if made:
        _flag_claimed(kind, made)
        insert_each(Customer, list(made.values()))
        how = Verification.AGENT if by is not None else Verification.CHANNEL
        note = (proof or ("typed by an agent" if by is not None else "received through it"))[:200]
        verified_at = timezone.now()
        try:
            # In address order, so two workers adding overlapping addresses never deadlock.
            insert_each(
                Identity,
                [
                    Identity(
                        customer=customer,
                        kind=kind,
                        value=value,
                        is_primary=True,
                        verification=how,
                        verified_at=verified_at,
                        verification_note=note,
                    )
                    for value, customer in sorted(made.items())
                ],
            )
        except IntegrityError as exc:
            raise AddressJustTaken(
                "One of these addresses was just added to another customer."
            ) from exc
        record_customer_events(
            NewCustomerEvent(
                customer=customer,
                kind=CustomerEventKind.CREATED,
                by=by,
                data={"identities": [f"{kind}:{value}"]},
            )
            for value, customer in made.items()
        )
    return [(found[v], False) if v in found else (made[v], True) for v in values]


def _flag_claimed(kind: str, made: Mapping[str, Customer]) -> None:
    """New customers whose address someone claimed unverified: likely the claimant (one read,
    only when customers are made)."""
    claims = (
        Identity.objects.filter(kind=kind, value__in=list(made), verified_at__isnull=True)
        .order_by("pk")
        .values_list("value", "customer_id")
    )
    for value, customer_id in claims:
        customer = made[value]
        if customer.likely_duplicate_of_id is None:
            customer.likely_duplicate_of_id = customer_id
            customer.duplicate_reason = f"another record was given {value} unverified"[:300]


def known_customers(*, kind: str, values: Iterable[str]) -> dict[str, Customer]:
    """The customer (after merges) whose verified identity each of these normalised values is,
    if any. An unverified claim on a value finds nobody: it never speaks for a customer."""
    wanted = set(values)
    if not wanted:
        return {}
    # Each customer with the address it was found by. Written out: the ORM's join compiled in
    # ~0.4 ms, several times the read itself, and intake asks for every wave of mail.
    customer, identity = quote(Customer._meta.db_table), quote(Identity._meta.db_table)
    addresses = sorted(wanted)
    found = Customer.objects.raw(
        f"SELECT {customer}.*, {identity}.{quote('value')} AS found_by "  # noqa: S608
        f"FROM {identity} "
        f"JOIN {customer} ON {customer}.{quote('id')} = {identity}.{quote('customer_id')} "
        f"WHERE {identity}.{quote('kind')} = %s "
        f"AND {identity}.{quote('value')} IN ({', '.join(['%s'] * len(addresses))}) "
        f"AND {identity}.{quote('verified_at')} IS NOT NULL",
        [kind, *addresses],
    )
    return {vars(row)["found_by"]: follow_merges(row) for row in found}


@transaction.atomic
def update_customer(*, customer: Customer, by: Agent | None, **fields: Any) -> Customer:
    allowed = {"name", "preferred_name", "timezone", "language", "preferred_channel"}
    unknown = set(fields) - allowed
    if unknown:
        raise ActionError(f"Cannot change {', '.join(sorted(unknown))} here.")
    before = {field: getattr(customer, field) for field in fields}
    for field, value in fields.items():
        setattr(customer, field, value)
    customer.updated_at = timezone.now()
    try:
        customer.full_clean(exclude=["organization", "owner", "deputy", "merged_into"])
    except Exception as exc:
        raise ActionError(str(exc)) from exc
    customer.save(update_fields=[*fields, "updated_at"])
    record_customer_event(
        customer, by=by, kind=CustomerEventKind.UPDATED, before=before, after=fields
    )
    return customer


@transaction.atomic
def create_claimed_customer(
    *,
    name: str,
    identities: Sequence[tuple[str, str]],
    source: str,
    timezone_name: str = "",
) -> Customer:
    """A customer from what an unverified source (a public form, a mail whose sender failed
    authentication) claimed: every identity given is kept, none verified, and none is ever
    added to an existing customer. When one of them matches a known customer, the new record is
    flagged as likely that person, and their owner and deputy look after it, to confirm and
    merge or dismiss. Identities are normalised, so bad input is refused before anything."""
    typed = list(
        dict.fromkeys((kind, normalise_identity(kind, value)) for kind, value in identities)
    )
    customer = _new_customer(name=name, **({"timezone": timezone_name} if timezone_name else {}))
    match = _best_match(typed)
    if match is not None:
        known, (kind, value) = match
        customer.likely_duplicate_of = known
        # Named nowhere in the text: the page names the match only to whoever serves it.
        customer.duplicate_reason = f"{source} gave {value}, which a known customer has"[:300]
        customer.owner, customer.deputy = known.owner, known.deputy
    customer.save()
    seen_kinds: set[str] = set()
    for kind, value in typed:
        Identity.objects.create(
            customer=customer,
            kind=kind,
            value=value,
            is_primary=kind not in seen_kinds,
            verification_note=source[:200],
        )
        seen_kinds.add(kind)
    record_customer_event(
        customer,
        by=None,
        kind=CustomerEventKind.CREATED,
        identities=[f"{k}:{v}" for k, v in typed],
        unverified=True,
        source=source,
        likely_duplicate_of=customer.likely_duplicate_of_id,
    )
    return customer


def _best_match(typed: Sequence[tuple[str, str]]) -> tuple[Customer, tuple[str, str]] | None:
    """The known customer (after merges) one of these identities belongs to: a verified holder
    before an unverified one, then the oldest."""
    if not typed:
        return None
    wanted = Q()
    for kind, value in typed:
        wanted |= Q(kind=kind, value=value)
    holder = (
        Identity.objects.filter(wanted)
        .select_related("customer")
        .order_by(F("verified_at").asc(nulls_last=True), "pk")
        .first()
    )
    if holder is None:
        return None
    return follow_merges(holder.customer), (holder.kind, holder.value)
