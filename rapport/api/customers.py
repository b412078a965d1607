"""/customers: people, their identities, rapport notes, assets, relationship and timeline."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router
from ninja.responses import Status as HttpStatus

from rapport.api.auth import agent_of
from rapport.api.pagination import (
    Keyset,
    decode_cursor,
    encode_cursor,
    invalid_cursor,
    keyset_page,
)
from rapport.api.schemas.base import ErrorOut, Id, PageQuery, SearchMatchOut
from rapport.api.schemas.customers import (
    AssetIn,
    AssetOut,
    CustomerDetailOut,
    CustomerIn,
    CustomerOut,
    CustomerPage,
    CustomerPatch,
    CustomerQuery,
    IdentityIn,
    IdentityOut,
    MergeIn,
    RapportNoteIn,
    RapportNoteOut,
    RelationshipIn,
)
from rapport.api.schemas.timeline import TimelineEntryOut, TimelinePage
from rapport.cases.access import (
    cases_for_agent,
    check_may_change_relationship,
    check_may_merge,
    customer_cases_for_agent,
    customer_for_agent,
    customers_for_agent,
)
from rapport.cases.actions import customers as case_customers
from rapport.cases.models import ACTIVE_STATUSES
from rapport.cases.search import search_customers
from rapport.cases.search_matches import customer_matches
from rapport.cases.selectors import TimelineEntry, customer_timeline
from rapport.datacare.actions.access import record_access
from rapport.datacare.models import AccessKind, Via
from rapport.lib.access import named
from rapport.people.access import agent_by_id, identity_of
from rapport.people.actions import customers as customers_actions
from rapport.people.actions import identities as identities_actions
from rapport.people.actions import merging as merging_actions
from rapport.people.actions import notes as notes_actions
from rapport.people.actions import relationship as relationship_actions
from rapport.people.models import Agent, Asset, Customer, Identity, RapportNote

router = Router(tags=["customers"])

# A read can be refused too: a malformed cursor or filter is a 400 naming the parameter.
READ_ERRORS: dict[int, type[ErrorOut]] = {
    400: ErrorOut,
    401: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}
WRITE_ERRORS: dict[int, type[ErrorOut]] = {**READ_ERRORS, 403: ErrorOut}
BY_NAME = Keyset("name", descending=False)


def _with_identities(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    return customers.select_related("owner", "deputy", "organization").prefetch_related(
        Prefetch("identities", queryset=Identity.objects.order_by("-is_primary", "kind", "pk"))
    )


def _detail(
    agent: Agent, customer_id: int, *, created: Customer | None = None
) -> CustomerDetailOut:
    # A customer just created answers from its own row: with no owner given, the caller may not
    # be among the people who serve them.
    base = Customer.objects.filter(pk=created.pk) if created else customers_for_agent(agent)
    customer = (
        _with_identities(base.filter(pk=customer_id))
        .prefetch_related(
            Prefetch(
                "rapport_notes",
                queryset=RapportNote.objects.filter(pinned=True).select_related("author"),
            ),
            Prefetch("assets", queryset=Asset.objects.order_by("-created_at", "-pk")),
        )
        .first()
    )
    if customer is None:
        raise Http404("No such customer")
    open_cases = list(
        cases_for_agent(agent)
        .filter(customer=customer, status__in=ACTIVE_STATUSES)
        .select_related("owner")
        .order_by("-updated_at", "-pk")[:20]
    )
    likely = None
    if customer.likely_duplicate_of_id is not None:
        # Named only to an agent who serves that customer too.
        likely = customers_for_agent(agent).filter(pk=customer.likely_duplicate_of_id).first()
    return CustomerDetailOut.detail(customer, open_cases=open_cases, likely=likely)


@router.get("", response={200: CustomerPage, **READ_ERRORS}, summary="List customers")
def list_customers(request: HttpRequest, filters: Query[CustomerQuery]) -> CustomerPage:
    """Customers you serve, by name; `q` searches names and addresses (email, phone, handle)."""
    customers = search_customers(customers_for_agent(agent_of(request)), filters.q)
    page, next_cursor = keyset_page(
        _with_identities(customers), keyset=BY_NAME, limit=filters.limit, cursor=filters.cursor
    )
    why = customer_matches(page, filters.q) if filters.q.strip() else {}
    return CustomerPage(
        items=[CustomerOut.of(c) for c in page],
        next=next_cursor,
        matches=SearchMatchOut.all_of(why),
    )


@router.post("", response={201: CustomerDetailOut, **WRITE_ERRORS}, summary="Create a customer")
def create_customer(request: HttpRequest, payload: CustomerIn) -> HttpStatus[CustomerDetailOut]:
    """A malformed email or phone number is refused with a 400 naming the field."""
    agent = agent_of(request)
    owner = (
        named(agent_by_id, payload.owner_id, field="owner_id", what="agent")
        if "owner_id" in payload.model_fields_set
        else agent
    )
    customer = customers_actions.create_customer(
        name=payload.name,
        by=agent,
        identities=[(i.kind.value, i.value) for i in payload.identities],
        preferred_name=payload.preferred_name,
        timezone_name=payload.timezone,
        language=payload.language,
        preferred_channel=payload.preferred_channel.value,
        organization=payload.organization,
        owner=owner,
        deputy=named(agent_by_id, payload.deputy_id, field="deputy_id", what="agent"),
    )
    return HttpStatus(201, _detail(agent, customer.pk, created=customer))


@router.get(
    "/{int:customer_id}", response={200: CustomerDetailOut, **READ_ERRORS}, summary="A customer"
)
def get_customer(request: HttpRequest, customer_id: Id) -> CustomerDetailOut:
    """With identities, owner and deputy, pinned rapport notes, assets and open cases."""
    agent = agent_of(request)
    detail = _detail(agent, customer_id)
    record_access(agent=agent, kind=AccessKind.CUSTOMER_API, via=Via.API, customer_id=customer_id)
    return detail


@router.patch(
    "/{int:customer_id}", response={200: CustomerDetailOut, **WRITE_ERRORS}, summary="Update"
)
def update_customer(
    request: HttpRequest, customer_id: Id, payload: CustomerPatch
) -> CustomerDetailOut:
    agent = agent_of(request)
    customer = customer_for_agent(agent, customer_id)
    changes = payload.model_dump(exclude_unset=True)
    if "preferred_channel" in changes:
        changes["preferred_channel"] = str(changes["preferred_channel"].value)
    customers_actions.update_customer(customer=customer, by=agent, **changes)
    return _detail(agent, customer.pk)


@router.post(
    "/{int:customer_id}/identities",
    response={201: IdentityOut, **WRITE_ERRORS},
    summary="Add an identity",
)
def add_identity(
    request: HttpRequest, customer_id: Id, payload: IdentityIn
) -> HttpStatus[IdentityOut]:
    """An address already owned by another customer is refused: merge the two instead."""
    agent = agent_of(request)
    customer = customer_for_agent(agent, customer_id)
    identity = identities_actions.add_identity(
        customer=customer, kind=payload.kind.value, value=payload.value, by=agent
    )
    return HttpStatus(201, IdentityOut.of(identity))


@router.delete(
    "/{int:customer_id}/identities/{int:identity_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove an identity",
)
def remove_identity(request: HttpRequest, customer_id: Id, identity_id: Id) -> HttpStatus[None]:
    agent = agent_of(request)
    customer = customer_for_agent(agent, customer_id)
    identity = identity_of(customer, identity_id)
    identity.customer = customer
    identities_actions.remove_identity(identity=identity, by=agent)
    return HttpStatus(204, None)


@router.post(
    "/{int:customer_id}/identities/{int:identity_id}/verify",
    response={200: IdentityOut, **WRITE_ERRORS},
    summary="Verify an identity",
)
def verify_identity(request: HttpRequest, customer_id: Id, identity_id: Id) -> IdentityOut:
    """You vouch for it (you called the number, or the customer confirmed the address): from
    now on it threads their mail and receives replies. Already verified: answered as it is."""
    agent = agent_of(request)
    customer = customer_for_agent(agent, customer_id)
    identity = identity_of(customer, identity_id)
    return IdentityOut.of(identities_actions.verify_identity(identity=identity, by=agent))


@router.post(
    "/{int:customer_id}/not-a-duplicate",
    response={200: CustomerDetailOut, **WRITE_ERRORS},
    summary="Dismiss a likely duplicate",
)
def dismiss_duplicate(request: HttpRequest, customer_id: Id) -> CustomerDetailOut:
    """The flagged record is not the customer it looked like: the flag goes (audited)."""
    agent = agent_of(request)
    customer = customer_for_agent(agent, customer_id)
    merging_actions.dismiss_duplicate(customer=customer, by=agent)
    return _detail(agent, customer.pk)


@router.post(
    "/{int:customer_id}/notes",
    response={201: RapportNoteOut, **WRITE_ERRORS},
    summary="Add a rapport note",
)
def add_note(
    request: HttpRequest, customer_id: Id, payload: RapportNoteIn
) -> HttpStatus[RapportNoteOut]:
    """A personal fact worth remembering ("puppy Mila, 10-week yellow lab"), pinned."""
    agent = agent_of(request)
    customer = customer_for_agent(agent, customer_id)
    note = notes_actions.add_rapport_note(customer=customer, text=payload.text, by=agent)
    return HttpStatus(201, RapportNoteOut.of(note))


@router.post(
    "/{int:customer_id}/assets",
    response={201: AssetOut, **WRITE_ERRORS},
    summary="Add an asset",
)
def add_asset(request: HttpRequest, customer_id: Id, payload: AssetIn) -> HttpStatus[AssetOut]:
    agent = agent_of(request)
    customer = customer_for_agent(agent, customer_id)
    asset = notes_actions.add_asset(
        customer=customer,
        name=payload.name,
        by=agent,
        kind=payload.kind,
        reference=payload.reference,
        attributes=payload.attributes,
    )
    return HttpStatus(201, AssetOut.of(asset))


@router.put(
    "/{int:customer_id}/relationship",
    response={200: CustomerDetailOut, **WRITE_ERRORS},
    summary="Set owner and deputy",
)
def set_relationship(
    request: HttpRequest, customer_id: Id, payload: RelationshipIn
) -> CustomerDetailOut:
    agent = agent_of(request)
    customer = customer_for_agent(agent, customer_id)
    check_may_change_relationship(agent, customer)
    relationship_actions.set_relationship(
        customer=customer,
        owner=named(agent_by_id, payload.owner_id, field="owner_id", what="agent"),
        deputy=named(agent_by_id, payload.deputy_id, field="deputy_id", what="agent"),
        by=agent,
    )
    return _detail(agent, customer.pk)


@router.post(
    "/{int:customer_id}/merge",
    response={200: CustomerDetailOut, **WRITE_ERRORS},
    summary="Merge into another customer",
)
def merge_customer(request: HttpRequest, customer_id: Id, payload: MergeIn) -> CustomerDetailOut:
    """Every case, message, call, identity, note and asset moves to `into`; returns it."""
    agent = agent_of(request)
    source = customer_for_agent(agent, customer_id)
    target = named(partial(customer_for_agent, agent), payload.into, field="into", what="customer")
    check_may_merge(agent, source=source, target=target)
    merged = case_customers.merge_customers(source=source, target=target, by=agent)
    return _detail(agent, merged.pk)


def _decode_before(cursor: str) -> datetime:
    values = decode_cursor(cursor)
    if len(values) != 1 or not isinstance(values[0], str):
        raise invalid_cursor()
    try:
        before = datetime.fromisoformat(values[0])
    except ValueError as exc:
        raise invalid_cursor() from exc
    if before.tzinfo is None:
        raise invalid_cursor()
    return before


def _page_of(entries: list[TimelineEntry], limit: int) -> tuple[list[TimelineEntry], str | None]:
    """Cut the page where the time changes, so entries sharing a moment stay on one page."""
    if len(entries) <= limit:
        return entries, None
    boundary = entries[limit].at
    page = [entry for entry in entries[:limit] if entry.at != boundary]
    if not page:  # more than `limit` entries at one instant: rare, keep the page whole
        page = entries[:limit]
    return page, encode_cursor(page[-1].at)


@router.get(
    "/{int:customer_id}/timeline",
    response={200: TimelinePage, **READ_ERRORS},
    summary="The customer's timeline",
)
def timeline(request: HttpRequest, customer_id: Id, page: Query[PageQuery]) -> TimelinePage:
    """Every message, call and key change across the customer's cases you may open (all of them
    for the customer's owner, deputy and supervisors), newest first."""
    agent = agent_of(request)
    customer = customer_for_agent(agent, customer_id)
    record_access(agent=agent, kind=AccessKind.TIMELINE_API, via=Via.API, customer_id=customer.pk)
    before = _decode_before(page.cursor) if page.cursor else None
    entries = customer_timeline(
        customer,
        visible=customer_cases_for_agent(agent, customer),
        limit=page.limit + 1,
        before=before,
    )
    items, next_cursor = _page_of(entries, page.limit)
    return TimelinePage(items=[TimelineEntryOut.of(e) for e in items], next=next_cursor)
