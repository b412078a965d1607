"""The only functions that change customers, their identities, notes, assets and relationships."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify

from rapport.lib.bulk import insert_each, quote
from rapport.lib.clientip import client_ip
from rapport.lib.errors import ActionError, Forbidden
from rapport.lib.identities import InvalidIdentity, normalise
from rapport.people.models import (
    Agent,
    ApiToken,
    Asset,
    Brand,
    Customer,
    CustomerEvent,
    Identity,
    IdentityKind,
    Organization,
    RapportNote,
    SecurityEvent,
    SecurityEventKind,
    Site,
    Team,
    Verification,
)

# What an agent or operator types about a customer they serve is verified by their word.
BY_AGENT = (Verification.AGENT, "")


def _event(customer: Customer, *, by: Agent | None, kind: str, **data: Any) -> None:
    CustomerEvent.objects.create(customer=customer, actor=by, kind=kind, data=data)


def normalise_identity(kind: str, value: str) -> str:
    try:
        return normalise(kind, value, default_region=settings.RAPPORT_DEFAULT_PHONE_REGION)
    except InvalidIdentity as exc:
        raise ActionError(str(exc), field="identities") from exc


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
    normalised = [(kind, normalise_identity(kind, value)) for kind, value in identities]
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
        _attach_identity(
            customer, kind=kind, value=value, primary=kind not in seen_kinds, proof=BY_AGENT
        )
        seen_kinds.add(kind)
    _event(customer, by=by, kind="created", identities=[f"{k}:{v}" for k, v in normalised])
    return customer


def _new_customer(*, name: str, **fields: Any) -> Customer:
    """A customer checked and ready to be written."""
    if not name.strip():
        raise ActionError("A customer needs a name.", field="name")
    customer = Customer(name=name.strip(), **fields)
    customer.full_clean(exclude=["organization", "owner", "deputy", "merged_into"])
    return customer


def _attach_identity(
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
        raise ActionError(f"{value} was just added to another customer.") from exc


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
def create_likely_duplicate(
    *, name: str, kind: str, value: str, of: Customer, by: Agent | None
) -> Customer:
    """A new customer for an address that already belongs to `of`, typed by someone who may not
    file cases on `of`: the address stays with `of` (an address is one person's) and is noted
    on both records, for a person who serves both to merge them if they are the same."""
    customer = create_customer(name=name or "Unknown", by=by)
    # Flagged like a contact-page duplicate: shown on its pages to merge in one click.
    customer.likely_duplicate_of = of
    customer.duplicate_reason = f"{value} was typed for it, which a known customer has"[:300]
    customer.save(update_fields=["likely_duplicate_of", "duplicate_reason"])
    identity = f"{kind}:{value}"
    _event(customer, by=by, kind="likely_duplicate", identity=identity, of=of.pk)
    _event(of, by=by, kind="likely_duplicate", identity=identity, duplicate=customer.pk)
    return customer


@transaction.atomic
def add_identity(*, customer: Customer, kind: str, value: str, by: Agent | None) -> Identity:
    if kind not in IdentityKind.values:
        raise ActionError(f"{kind!r} is not a kind of identity.", field="kind")
    normalised = normalise_identity(kind, value)
    primary = not customer.identities.filter(kind=kind).exists()
    identity = _attach_identity(
        customer, kind=kind, value=normalised, primary=primary, proof=BY_AGENT
    )
    _event(customer, by=by, kind="identity_added", identity=f"{kind}:{normalised}")
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
    _event(
        locked.customer,
        by=by,
        kind="identity_verified",
        identity=f"{locked.kind}:{locked.value}",
        how=how,
    )
    return locked


@transaction.atomic
def remove_identity(*, identity: Identity, by: Agent | None) -> None:
    customer = identity.customer
    _event(customer, by=by, kind="identity_removed", identity=str(identity))
    identity.delete()


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
    values = [normalise_identity(kind, value) for value, _ in people]
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
            raise ActionError("One of these addresses was just added to another customer.") from exc
        insert_each(
            CustomerEvent,
            [
                CustomerEvent(
                    customer=customer,
                    actor=by,
                    kind="created",
                    data={"identities": [f"{kind}:{value}"]},
                )
                for value, customer in made.items()
            ],
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


MAX_MERGE_HOPS = 10


def follow_merges(customer: Customer) -> Customer:
    """The customer this one was merged into (and so on), where their history now lives."""
    hops = 0
    while customer.merged_into_id is not None and hops < MAX_MERGE_HOPS:
        customer = Customer.objects.get(pk=customer.merged_into_id)
        hops += 1
    return customer


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
    _event(customer, by=by, kind="updated", before=before, after=fields)
    return customer


@transaction.atomic
def set_relationship(
    *, customer: Customer, owner: Agent | None, deputy: Agent | None, by: Agent | None
) -> Customer:
    if owner is not None and deputy is not None and owner.pk == deputy.pk:
        raise ActionError("The deputy must be someone other than the owner.", field="deputy")
    before = {"owner": customer.owner_id, "deputy": customer.deputy_id}
    customer.owner, customer.deputy = owner, deputy
    customer.updated_at = timezone.now()
    customer.save(update_fields=["owner", "deputy", "updated_at"])
    _event(
        customer,
        by=by,
        kind="relationship",
        before=before,
        after={"owner": customer.owner_id, "deputy": customer.deputy_id},
    )
    return customer


@transaction.atomic
def merge_customers(*, source: Customer, target: Customer, by: Agent | None) -> Customer:
    """Move every case, message, call, identity, note and asset of `source` onto `target`."""
    # Hidden layering break (people must not know cases): merging customers moves up to cases.
    from rapport.cases.models import Call, Case, Message  # noqa: PLC0415

    if source.pk == target.pk:
        raise ActionError("A customer cannot be merged into themselves.")
    # Lock both rows in a stable order so two concurrent merges cannot interleave.
    locked = {
        c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
    }
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id is not None:
        raise ActionError(f"{source.name} was already merged into another customer.")
    if target.merged_into_id is not None:
        raise ActionError(f"{target.name} was merged away; merge into the surviving customer.")
    _drop_twin_identities(source=source, target=target)
    moved = {
        "cases": Case.objects.filter(customer=source).update(customer=target),
        "messages": Message.objects.filter(customer=source).update(customer=target),
        "calls": Call.objects.filter(customer=source).update(customer=target),
        "identities": source.identities.update(customer=target, is_primary=False),
        "notes": source.rapport_notes.update(customer=target),
        "assets": source.assets.update(customer=target),
    }
    if target.owner_id is None and source.owner_id is not None:
        target.owner_id = source.owner_id
    if target.deputy_id is None and source.deputy_id not in (None, target.owner_id):
        target.deputy_id = source.deputy_id
    if target.likely_duplicate_of_id == source.pk:  # the flag was about this very pair
        target.likely_duplicate_of, target.duplicate_reason = None, ""
    target.updated_at = timezone.now()
    target.save(
        update_fields=["owner", "deputy", "likely_duplicate_of", "duplicate_reason", "updated_at"]
    )
    source.merged_into = target
    source.likely_duplicate_of, source.duplicate_reason = None, ""
    source.save(update_fields=["merged_into", "likely_duplicate_of", "duplicate_reason"])
    # Records flagged as likely this one are now likely the one it joined.
    Customer.objects.filter(likely_duplicate_of=source).exclude(pk=target.pk).update(
        likely_duplicate_of=target
    )
    _event(target, by=by, kind="merged", source=source.pk, source_name=source.name, moved=moved)
    _event(source, by=by, kind="merged_into", target=target.pk)
    return target


def _drop_twin_identities(*, source: Customer, target: Customer) -> None:
    """An address both hold is kept once, on the target: verified if either copy was (merging
    says the two records are one person, not that an unverified claim is theirs)."""
    theirs = {(i.kind, i.value): i for i in target.identities.all()}
    for identity in source.identities.all():
        twin = theirs.get((identity.kind, identity.value))
        if twin is None:
            continue
        if identity.is_verified and not twin.is_verified:
            twin.delete()  # the source's verified copy moves over with the rest
        else:
            identity.delete()


@transaction.atomic
def dismiss_duplicate(*, customer: Customer, by: Agent | None) -> Customer:
    """An agent says the flagged record is not the person it looked like: the flag goes."""
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if locked.likely_duplicate_of_id is None:
        raise ActionError(f"{locked.name} is not flagged as a likely duplicate.")
    _event(
        locked,
        by=by,
        kind="duplicate_dismissed",
        of=locked.likely_duplicate_of_id,
        reason=locked.duplicate_reason,
    )
    locked.likely_duplicate_of, locked.duplicate_reason = None, ""
    locked.updated_at = timezone.now()
    locked.save(update_fields=["likely_duplicate_of", "duplicate_reason", "updated_at"])
    return locked


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
    _event(
        customer,
        by=None,
        kind="created",
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


@transaction.atomic
def add_rapport_note(*, customer: Customer, text: str, by: Agent | None) -> RapportNote:
    text = text.strip()
    if not text:
        raise ActionError("A rapport note needs some text.", field="text")
    if len(text) > 500:
        raise ActionError("Keep a rapport note under 500 characters.", field="text")
    note = RapportNote.objects.create(customer=customer, text=text, author=by)
    _event(customer, by=by, kind="note_added", text=text)
    return note


@transaction.atomic
def set_note_pinned(*, note: RapportNote, pinned: bool, by: Agent | None) -> RapportNote:
    note.pinned = pinned
    note.save(update_fields=["pinned"])
    _event(note.customer, by=by, kind="note_pinned" if pinned else "note_unpinned", note=note.pk)
    return note


@transaction.atomic
def delete_rapport_note(*, note: RapportNote, by: Agent | None) -> None:
    _event(note.customer, by=by, kind="note_deleted", text=note.text)
    note.delete()


@transaction.atomic
def add_asset(
    *,
    customer: Customer,
    name: str,
    by: Agent | None,
    kind: str = "",
    reference: str = "",
    attributes: Mapping[str, Any] | None = None,
) -> Asset:
    if not name.strip():
        raise ActionError("An asset needs a name.", field="name")
    attrs = dict(attributes or {})
    if not all(isinstance(key, str) and key.strip() for key in attrs):
        raise ActionError("Asset attribute names must be non-empty text.", field="attributes")
    asset = Asset.objects.create(
        customer=customer,
        name=name.strip(),
        kind=kind.strip(),
        reference=reference.strip(),
        attributes=attrs,
    )
    _event(customer, by=by, kind="asset_added", asset=asset.pk, name=asset.name)
    return asset


@transaction.atomic
def create_agent(
    *,
    username: str,
    display_name: str,
    password: str | None,
    email: str = "",
    site: Site | None = None,
    timezone_name: str = "UTC",
    is_supervisor: bool = False,
    signature: str = "",
    skills: Iterable[str] = (),
    working_hours: Mapping[str, Any] | None = None,
    capacity: int = 20,
) -> Agent:
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise ActionError(f"There is already a user called {username!r}.", field="username")
    user = user_model.objects.create_user(username=username, email=email, password=password)
    agent = Agent(
        user=user,
        display_name=display_name,
        site=site,
        timezone=timezone_name,
        is_supervisor=is_supervisor,
        signature=signature,
        skills=list(skills),
        working_hours=dict(working_hours or {}),
        capacity=capacity,
    )
    agent.full_clean(exclude=["user", "site"])
    agent.save()
    return agent


class IssuedToken(NamedTuple):
    token: ApiToken
    raw: str  # shown once; only its hash is stored


@transaction.atomic
def issue_api_token(
    *, agent: Agent, name: str, days: int | None = None, by: Agent | None = None
) -> IssuedToken:
    """Create a token that works for `days` (default RAPPORT_API_TOKEN_DAYS) and audit it."""
    name = name.strip()
    if not name:
        raise ActionError("Give the token a name saying what it is for.", field="name")
    if len(name) > 100:
        raise ActionError("A token's name is at most 100 characters.", field="name")
    days = settings.RAPPORT_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.RAPPORT_API_TOKEN_MAX_DAYS:
        raise ActionError(
            f"A token lasts from 1 to {settings.RAPPORT_API_TOKEN_MAX_DAYS} days.", field="days"
        )
    if not agent.user.is_active:
        raise ActionError(f"{agent.display_name} cannot sign in, so cannot hold a token.")
    raw = f"rp_{secrets.token_urlsafe(32)}"
    created = timezone.now()
    token = ApiToken.objects.create(
        agent=agent,
        name=name,
        prefix=raw[:10],
        key_hash=ApiToken.hash(raw),
        created_at=created,
        expires_at=created + timedelta(days=days),
    )
    record_security_event(
        kind=SecurityEventKind.TOKEN_CREATED,
        user=agent.user,
        actor=by if by is not None and by.pk != agent.pk else None,
        detail=f"{token} for {days} days",
    )
    return IssuedToken(token, raw)


@transaction.atomic
def revoke_api_token(*, token: ApiToken, by: Agent | None) -> ApiToken:
    """Stop a token at once; revoking one already revoked changes nothing."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    token.refresh_from_db(fields=["revoked_at", "revoked_by"])
    if revoked:
        record_security_event(
            kind=SecurityEventKind.TOKEN_REVOKED,
            user=token.agent.user,
            actor=by if by is not None and by.pk != token.agent_id else None,
            detail=str(token),
        )
    return token


def record_security_event(
    *,
    kind: SecurityEventKind,
    request: HttpRequest | None = None,
    user: AbstractBaseUser | None = None,
    username: str = "",
    actor: Agent | None = None,
    detail: str = "",
) -> SecurityEvent:
    """One row of the sign-in audit, with the client's address when there is a request."""
    user_agent = ""
    ip_address = None
    if request is not None:
        ip_address = client_ip(request) or None
        user_agent = str(request.headers.get("User-Agent", ""))[:300]
    return SecurityEvent.objects.create(
        kind=kind,
        user_id=user.pk if user is not None else None,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        actor=actor,
        ip_address=ip_address,
        user_agent=user_agent,
        detail=detail[:300],
    )


@transaction.atomic
def create_site(*, name: str, timezone_name: str, country: str = "", region: str = "") -> Site:
    """A place agents work from; its time zone decides working hours and holidays."""
    if not name.strip():
        raise ActionError("A site needs a name.", field="name")
    if Site.objects.filter(name=name.strip()).exists():
        raise ActionError(f"There is already a site called {name.strip()!r}.", field="name")
    site = Site(name=name.strip(), timezone=timezone_name, country=country.upper(), region=region)
    try:
        site.full_clean()
    except Exception as exc:
        raise ActionError(str(exc), field="timezone") from exc
    site.save()
    return site


@transaction.atomic
def create_team(
    *, name: str, slug: str, members: Iterable[Agent] = (), brand: Brand | None = None
) -> Team:
    """A team of agents (of one business, when the desk serves several); cases of the team
    are visible to its members."""
    if Team.objects.filter(name=name.strip()).exists() or Team.objects.filter(slug=slug).exists():
        raise ActionError(f"There is already a team called {name.strip()!r}.", field="name")
    team = Team.objects.create(name=name.strip(), slug=slug, brand=brand)
    team.members.add(*members)
    return team


@transaction.atomic
def create_brand(
    *,
    name: str,
    slug: str,
    by: Agent | None,
    phone: str = "",
    email_addresses: Iterable[str] = (),
) -> Brand:
    """A business the desk serves, with its phone number and the addresses mail comes to
    (`by` None: the operator at the command line)."""
    if by is not None and not by.is_supervisor:
        raise Forbidden("Only a supervisor can add a business to the desk.")
    if not slug or slugify(slug) != slug:
        raise ActionError(
            f"{slug!r} is not a slug: use lower-case letters, digits and '-'.", field="slug"
        )
    name = " ".join(name.split())
    if not name:
        raise ActionError("Give the business a name.", field="name")
    if Brand.objects.filter(name=name).exists() or Brand.objects.filter(slug=slug).exists():
        raise ActionError(f"There is already a business called {name!r}.", field="name")
    addresses = sorted({normalise_identity("email", a) for a in email_addresses if a.strip()})
    taken = [b.name for b in Brand.objects.all() if set(b.email_addresses) & set(addresses)]
    if taken:
        raise ActionError(
            f"Mail to those addresses already goes to {taken[0]}.", field="email_addresses"
        )
    return Brand.objects.create(
        name=name, slug=slug, phone=phone.strip(), email_addresses=addresses
    )


@transaction.atomic
def add_to_team(*, team: Team, agent: Agent) -> Team:
    """The agent sees and takes the team's cases from now on."""
    team.members.add(agent)
    return team


@transaction.atomic
def mark_identity_undeliverable(
    *, identity: Identity, reason: str, by: Agent | None = None
) -> Identity:
    """Mail to this address bounced: keep the reason so nobody writes into the void again."""
    reason = " ".join(reason.split())[:300] or "Mail to this address bounced."
    Identity.objects.filter(pk=identity.pk).update(undeliverable_reason=reason)
    identity.undeliverable_reason = reason
    _event(
        identity.customer,
        by=by,
        kind="identity_undeliverable",
        identity=f"{identity.kind}:{identity.value}",
        reason=reason,
    )
    return identity
