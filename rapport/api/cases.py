"""/cases and /messages: open, read, reply, note, call, status, owner, priority, tags, merge,
split."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, HttpRequest
from ninja import Query, Router
from ninja.responses import Status as HttpStatus

from rapport.api.auth import agent_of
from rapport.api.customers import READ_ERRORS, WRITE_ERRORS
from rapport.api.pagination import Keyset, keyset_page, sorted_page
from rapport.api.schemas.base import ErrorBody, ErrorOut, Id, SearchMatchOut
from rapport.api.schemas.cases import (
    CaseCallIn,
    CaseDetailOut,
    CaseIn,
    CaseNoteIn,
    CaseOut,
    CasePage,
    CaseQuery,
    HandedOverOut,
    HeldReplyOut,
    OwnerIn,
    PriorityIn,
    ReplyIn,
    ResolveIn,
    SplitIn,
    StatusIn,
    TagsIn,
)
from rapport.api.schemas.customers import MergeIn
from rapport.api.schemas.timeline import CallOut, MessageOut
from rapport.cases.access import (
    attachment_for_agent,
    case_for_agent,
    cases_for_agent,
    customer_to_file_for,
    message_for_agent,
    saved_reply_for_case,
)
from rapport.cases.actions import assignment, merging
from rapport.cases.actions import customers as case_customers
from rapport.cases.actions import messages as case_messages
from rapport.cases.actions import status as case_status
from rapport.cases.attachments import download_response
from rapport.cases.models import Attachment, Case, Message
from rapport.cases.rules import default_team
from rapport.cases.search import search_cases
from rapport.cases.search_matches import case_matches
from rapport.cases.selectors import handover
from rapport.lib.access import named
from rapport.lib.errors import ActionError
from rapport.people.access import agent_by_id, team_by_id
from rapport.people.models import Agent, Customer
from rapport.routing.actions import opening, starting

router = Router(tags=["cases"])
messages_router = Router(tags=["cases"])
attachments_router = Router(tags=["cases"])

CONFLICT_ERRORS: dict[int, type[ErrorOut]] = {**WRITE_ERRORS, 409: ErrorOut}
RECENT_FIRST = Keyset("updated_at", descending=True)


def _loaded(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("customer", "owner", "team")


def _case_out(agent: Agent, case_id: int) -> CaseOut:
    return CaseOut.of(case_for_agent(agent, case_id))


def _filtered(agent: Agent, filters: CaseQuery) -> QuerySet[Case]:
    cases = cases_for_agent(agent)
    if filters.status:
        cases = cases.filter(status__in=[s.value for s in filters.status])
    if filters.priority:
        cases = cases.filter(priority__in=[p.value for p in filters.priority])
    if filters.owner is not None:
        owner = filters.owner.strip().lower()
        if owner == "me":
            cases = cases.filter(owner=agent)
        elif owner == "none":
            cases = cases.filter(owner__isnull=True)
        elif owner.isdigit():
            cases = cases.filter(owner_id=int(owner))
        else:
            raise ActionError('owner is an agent id, "me" or "none".', field="owner")
    if filters.team is not None:
        cases = cases.filter(team_id=filters.team)
    if filters.customer is not None:
        cases = cases.filter(customer_id=filters.customer)
    if filters.q.strip():
        cases = search_cases(cases, filters.q)
    return cases


@router.get("", response={200: CasePage, **READ_ERRORS}, summary="List cases")
def list_cases(request: HttpRequest, filters: Query[CaseQuery]) -> CasePage:
    """Cases you can see, most recently updated first, or in one of the inbox's orders (`sort`)."""
    cases = _loaded(_filtered(agent_of(request), filters))
    if filters.sort is not None:
        page, next_cursor = sorted_page(
            cases, sort=filters.sort.value, limit=filters.limit, cursor=filters.cursor
        )
    else:
        page, next_cursor = keyset_page(
            cases, keyset=RECENT_FIRST, limit=filters.limit, cursor=filters.cursor
        )
    why = case_matches(page, filters.q) if filters.q.strip() else {}
    return CasePage(
        items=[CaseOut.of(c) for c in page], next=next_cursor, matches=SearchMatchOut.all_of(why)
    )


def _customer_for(agent: Agent, payload: CaseIn) -> Customer:
    if payload.customer_id is not None:
        return named(
            partial(customer_to_file_for, agent),
            payload.customer_id,
            field="customer_id",
            what="customer",
        )
    assert payload.customer is not None  # noqa: S101 - the schema requires one of the two
    try:
        return case_customers.customer_for_address(
            kind=payload.customer.kind.value,
            value=payload.customer.value,
            name=payload.customer.name,
            by=agent,
        )
    except ActionError as exc:
        raise ActionError(exc.message, field="customer.value") from exc


@router.post("", response={201: CaseOut, **WRITE_ERRORS}, summary="Open a case")
def create_case(request: HttpRequest, payload: CaseIn) -> HttpStatus[CaseOut]:
    """A new case with its first entry: the customer's message (the default), our message to
    them, or a call either way (`first_entry`); `customer` finds or creates the person.

    An address that belongs to a customer you do not serve files the case under a new customer
    (their owner is asked whether to merge the two). The case stays in your team (or
    `team_id`, one of yours); `owner_id` may be you, a teammate or the customer's own person.
    """
    agent = agent_of(request)
    owner = named(agent_by_id, payload.owner_id, field="owner_id", what="agent")
    team = named(team_by_id, payload.team_id, field="team_id", what="team") or default_team(agent)
    with transaction.atomic():
        customer = _customer_for(agent, payload)
        started = starting.start_case(
            by=agent,
            customer=customer,
            first=payload.first_entry.value,
            subject=payload.subject,
            channel=payload.channel.value if payload.channel else None,
            text=payload.text,
            html=payload.html,
            call=payload.call.details() if payload.call else None,
            priority=payload.priority.value,
            owner=owner,
            team=team,
            tags=payload.tags,
            external_id=payload.external_id,
            received_at=payload.received_at,
            # Routed to a named person, continuity first; an agent in no team keeps it.
            route=team is not None,
        )
    # As written by the first entry too (a message of ours leaves the case waiting on them).
    started.case.refresh_from_db()
    return HttpStatus(201, CaseOut.of(started.case))


@router.get("/{int:case_id}", response={200: CaseDetailOut, **READ_ERRORS}, summary="A case")
def get_case(request: HttpRequest, case_id: Id) -> CaseDetailOut:
    """With every message (internal notes included) and call, oldest first."""
    case = case_for_agent(agent_of(request), case_id)
    messages = list(
        case.messages.select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )
    calls = list(case.calls.select_related("agent").order_by("started_at", "pk"))
    return CaseDetailOut.detail(case, messages=messages, calls=calls)


@router.post(
    "/{int:case_id}/replies",
    response={201: MessageOut, **WRITE_ERRORS, 409: HeldReplyOut, 503: ErrorOut},
    summary="Reply",
)
def reply(
    request: HttpRequest, case_id: Id, payload: ReplyIn
) -> HttpStatus[MessageOut] | HttpStatus[HeldReplyOut]:
    """Signed with your name and signature, and sent by the worker. With `seen_message_id`, held
    (409, with the messages) when someone else wrote on the case since. A 503 (`busy`, with
    `Retry-After`) when the desk's SQLite database was too busy: not stored, not sent."""
    agent = agent_of(request)
    case = case_for_agent(agent, case_id)
    saved_reply = named(
        partial(saved_reply_for_case, agent, case),
        payload.saved_reply_id,
        field="saved_reply_id",
        what="saved reply",
    )
    try:
        message = case_messages.reply(
            case=case,
            text=payload.text,
            by=agent,
            channel=payload.channel.value if payload.channel else None,
            attachments=[a.upload() for a in payload.attachments],
            saved_reply=saved_reply,
            seen_message_id=payload.seen_message_id,
        )
    except case_messages.NewSinceSeen as held:
        error = ErrorBody(
            code="conflict", message=held.message, field="seen_message_id", details=None
        )
        arrived = [MessageOut.of(m) for m in held.arrived]
        return HttpStatus(409, HeldReplyOut(error=error, messages=arrived))
    return HttpStatus(201, _message_out(message))


def _message_out(message: Message) -> MessageOut:
    loaded = (
        Message.objects.select_related("author").prefetch_related("attachments").get(pk=message.pk)
    )
    return MessageOut.of(loaded)


@router.post(
    "/{int:case_id}/notes", response={201: MessageOut, **WRITE_ERRORS}, summary="Internal note"
)
def add_note(request: HttpRequest, case_id: Id, payload: CaseNoteIn) -> HttpStatus[MessageOut]:
    """Seen by agents only."""
    agent = agent_of(request)
    note = case_messages.add_note(
        case=case_for_agent(agent, case_id),
        text=payload.text,
        by=agent,
        attachments=[a.upload() for a in payload.attachments],
    )
    return HttpStatus(201, _message_out(note))


@router.post("/{int:case_id}/calls", response={201: CallOut, **WRITE_ERRORS}, summary="Log a call")
def log_call(request: HttpRequest, case_id: Id, payload: CaseCallIn) -> HttpStatus[CallOut]:
    agent = agent_of(request)
    call = case_messages.log_call(
        case=case_for_agent(agent, case_id),
        by=agent,
        direction=payload.direction.value,
        outcome=payload.outcome.value,
        notes=payload.notes,
        phone=payload.phone,
        duration_seconds=payload.duration_seconds,
        started_at=payload.started_at,
    )
    return HttpStatus(201, CallOut.of(call))


@router.post(
    "/{int:case_id}/status", response={200: CaseOut, **CONFLICT_ERRORS}, summary="Change status"
)
def change_status(request: HttpRequest, case_id: Id, payload: StatusIn) -> CaseOut:
    """Send `expected` (the status you saw) to be refused with a 409 if someone changed it."""
    agent = agent_of(request)
    case_status.change_status(
        case=case_for_agent(agent, case_id),
        to=payload.status.value,
        by=agent,
        reason=payload.reason,
        expected=payload.expected.value if payload.expected else None,
    )
    return _case_out(agent, case_id)


@router.post(
    "/{int:case_id}/owner",
    response={200: HandedOverOut, **WRITE_ERRORS},
    summary="Assign an owner",
)
def assign(request: HttpRequest, case_id: Id, payload: OwnerIn) -> HandedOverOut:
    """Hand the case to a person (and `team_id`, or their first team). The new owner is
    notified; `you_can_open` says whether you may still open the case afterwards."""
    agent = agent_of(request)
    case = case_for_agent(agent, case_id)
    owner = named(agent_by_id, payload.owner_id, field="owner_id", what="agent")
    assert owner is not None  # noqa: S101 - owner_id is required by the schema
    assigned = assignment.assign_case(
        case=case,
        owner=owner,
        by=agent,
        reason=payload.reason,
        team=named(team_by_id, payload.team_id, field="team_id", what="team"),
    )
    # Handed to another team, the case may have left the caller's sight: answered from the row
    # just written, with what happens next.
    return HandedOverOut.handed(assigned, handover(assigned, by=agent))


@router.post(
    "/{int:case_id}/priority", response={200: CaseOut, **WRITE_ERRORS}, summary="Set priority"
)
def change_priority(request: HttpRequest, case_id: Id, payload: PriorityIn) -> CaseOut:
    agent = agent_of(request)
    case_status.change_priority(
        case=case_for_agent(agent, case_id),
        to=payload.priority.value,
        by=agent,
        reason=payload.reason,
    )
    return _case_out(agent, case_id)


@router.put("/{int:case_id}/tags", response={200: CaseOut, **WRITE_ERRORS}, summary="Set tags")
def set_tags(request: HttpRequest, case_id: Id, payload: TagsIn) -> CaseOut:
    """Replace the case's tags (an empty list removes them all); send `seen` so a colleague's
    change made meanwhile is kept."""
    agent = agent_of(request)
    assignment.set_tags(
        case=case_for_agent(agent, case_id), tags=payload.tags, by=agent, seen=payload.seen
    )
    return _case_out(agent, case_id)


@router.post(
    "/{int:case_id}/resolve", response={200: CaseOut, **CONFLICT_ERRORS}, summary="Resolve"
)
def resolve(request: HttpRequest, case_id: Id, payload: ResolveIn) -> CaseOut:
    agent = agent_of(request)
    case_status.resolve_case(case=case_for_agent(agent, case_id), by=agent, reason=payload.reason)
    return _case_out(agent, case_id)


@router.post(
    "/{int:case_id}/merge", response={200: CaseOut, **WRITE_ERRORS}, summary="Merge into a case"
)
def merge(request: HttpRequest, case_id: Id, payload: MergeIn) -> CaseOut:
    """Messages and calls move to `into`; this case is closed. Returns the surviving case."""
    agent = agent_of(request)
    source = case_for_agent(agent, case_id)
    target = named(partial(case_for_agent, agent), payload.into, field="into", what="case")
    merged = merging.merge_cases(source=source, target=target, by=agent, reason=payload.reason)
    return _case_out(agent, merged.pk)


@messages_router.post(
    "/{int:message_id}/split",
    response={201: CaseOut, **WRITE_ERRORS},
    summary="Split a message into a new case",
)
def split(request: HttpRequest, message_id: Id, payload: SplitIn) -> HttpStatus[CaseOut]:
    """The customer's message moves to a case of its own, with the same owner and team."""
    agent = agent_of(request)
    message = message_for_agent(agent, message_id)
    new_case = opening.split_message(message=message, by=agent, subject=payload.subject)
    return HttpStatus(201, _case_out(agent, new_case.pk))


@attachments_router.get(
    "/{int:attachment_id}",
    response={200: None, **READ_ERRORS},
    summary="Download an attachment",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as a download (an inert content type, else "
                "application/octet-stream)",
                "content": {"application/octet-stream": {}},
            }
        }
    },
)
def get_attachment(request: HttpRequest, attachment_id: Id) -> FileResponse:
    """A file on a message of a case you may open."""
    return download_response(attachment_for_agent(agent_of(request), attachment_id))
