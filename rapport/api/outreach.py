"""/outreach: make-goods with approvals and totals; incidents, their outreach tasks and board."""

from __future__ import annotations

from functools import partial

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.responses import Status as HttpStatus

from rapport.api.auth import agent_of, supervisor_required
from rapport.api.customers import READ_ERRORS, WRITE_ERRORS
from rapport.api.pagination import Keyset, decode_cursor, encode_cursor, invalid_cursor, keyset_page
from rapport.api.schemas.base import Id, PageQuery
from rapport.api.schemas.outreach import (
    AudienceIn,
    AudienceOut,
    BoardOut,
    DecisionIn,
    ImportIn,
    ImportOut,
    IncidentIn,
    IncidentOut,
    IncidentPage,
    LimitIn,
    LimitOut,
    MakeGoodIn,
    MakeGoodOut,
    MakeGoodPage,
    MakeGoodQuery,
    OutreachCallIn,
    OutreachMessageIn,
    ResultIn,
    TaskDetailOut,
    TaskOut,
    TaskPage,
    TaskQuery,
    TotalOut,
    TotalsOut,
    TotalsQuery,
)
from rapport.cases.access import asset_for_agent, case_for_agent, customer_for_agent
from rapport.lib.access import named
from rapport.outreach import selectors
from rapport.outreach.actions import imports as imports_actions
from rapport.outreach.actions import incidents as incidents_actions
from rapport.outreach.actions import make_goods as make_goods_actions
from rapport.outreach.actions import tasks as tasks_actions
from rapport.people.access import agent_by_id, team_by_id
from rapport.people.models import Agent

router = Router(tags=["outreach"])


NEWEST_FIRST = Keyset("created_at", descending=True)


# --- make-goods -----------------------------------------------------------------------------


@router.get("/make-goods", response={200: MakeGoodPage, **READ_ERRORS}, summary="List make-goods")
def list_make_goods(request: HttpRequest, filters: Query[MakeGoodQuery]) -> MakeGoodPage:
    """Of a case, a customer or an order (asset); newest first."""
    agent = agent_of(request)
    goods = selectors.make_goods_for_agent(agent)
    if filters.case_id is not None:
        goods = goods.filter(case=case_for_agent(agent, filters.case_id))
    if filters.customer_id is not None:
        # Only what the agent may see of them: a customer visible through one case does not
        # open the make-goods recorded on another team's cases.
        goods = goods.filter(customer=customer_for_agent(agent, filters.customer_id))
    if filters.asset_id is not None:
        goods = goods.filter(asset=asset_for_agent(agent, filters.asset_id))
    if filters.status:
        goods = goods.filter(status=filters.status)
    rows, next_cursor = keyset_page(
        goods.select_related("asset"),
        keyset=NEWEST_FIRST,
        limit=filters.limit,
        cursor=filters.cursor,
    )
    return MakeGoodPage(items=[MakeGoodOut.of(mg) for mg in rows], next=next_cursor)


@router.post(
    "/make-goods", response={201: MakeGoodOut, **WRITE_ERRORS}, summary="Record a make-good"
)
def record_make_good(request: HttpRequest, payload: MakeGoodIn) -> HttpStatus[MakeGoodOut]:
    """Over the recorder's approval limit it is `pending` until a supervisor decides."""
    agent = agent_of(request)
    case = case_for_agent(agent, payload.case_id)
    asset = named(
        partial(asset_for_agent, agent, customer=case.customer),
        payload.asset_id,
        field="asset_id",
        what="order",
    )
    mg = make_goods_actions.record_make_good(
        case=case,
        by=agent,
        kind=payload.kind,
        description=payload.description,
        reason=payload.reason,
        amount=payload.amount,
        currency=payload.currency,
        asset=asset,
    )
    return HttpStatus(201, MakeGoodOut.of(mg))


@router.post(
    "/make-goods/{int:make_good_id}/decision",
    response={200: MakeGoodOut, **WRITE_ERRORS, 409: READ_ERRORS[404]},
    summary="Approve or decline a make-good",
)
def decide(request: HttpRequest, make_good_id: Id, payload: DecisionIn) -> MakeGoodOut:
    """Supervisors only; deciding twice is a 409."""
    agent = agent_of(request)
    mg = selectors.make_good_for_agent(agent, make_good_id)
    mg = make_goods_actions.decide_make_good(
        make_good=mg, by=agent, approve=payload.approve, note=payload.note
    )
    return MakeGoodOut.of(mg)


@router.get(
    "/make-goods/totals",
    response={200: TotalsOut, **READ_ERRORS, 403: READ_ERRORS[404]},
    summary="Make-good totals per period and reason",
)
@supervisor_required(hidden=False)
def totals(request: HttpRequest, window: Query[TotalsQuery]) -> TotalsOut:
    """Approved make-goods (default: the last twelve months), per currency. Supervisors only."""
    agent = agent_of(request)
    period = window.period
    default_since, default_until = selectors.default_totals_window(timezone.now())
    since, until = window.since or default_since, window.until or default_until
    rows = selectors.make_good_totals(
        selectors.make_goods_for_agent(agent), since=since, until=until, period=period
    )
    return TotalsOut(
        since=since,
        until=until,
        period=period,
        items=[_total(row) for row in rows],
    )


def _total(row: selectors.Total) -> TotalOut:
    return TotalOut(
        period=row.period,
        reason=row.reason,
        currency=row.currency,
        count=row.count,
        amount=row.amount,
    )


@router.put(
    "/approval-limits",
    response={200: LimitOut, **WRITE_ERRORS},
    summary="Set an approval limit",
)
def set_limit(request: HttpRequest, payload: LimitIn) -> LimitOut:
    """Up to how much an agent (or, without `agent_id`, everyone) may give unapproved."""
    agent = agent_of(request)
    who = named(agent_by_id, payload.agent_id, field="agent_id", what="agent")
    limit = make_goods_actions.set_approval_limit(
        agent=who, currency=payload.currency, amount=payload.amount, by=agent
    )
    return LimitOut(agent_id=limit.agent_id, currency=limit.currency, amount=limit.amount)


# --- incidents ------------------------------------------------------------------------------


@router.get("/incidents", response={200: IncidentPage, **READ_ERRORS}, summary="Incidents")
def list_incidents(request: HttpRequest, page: Query[PageQuery]) -> IncidentPage:
    """Newest first."""
    rows, next_cursor = keyset_page(
        selectors.incidents_for_agent(agent_of(request)),
        keyset=NEWEST_FIRST,
        limit=page.limit,
        cursor=page.cursor,
    )
    return IncidentPage(items=[IncidentOut.of(i) for i in rows], next=next_cursor)


@router.post(
    "/incidents", response={201: IncidentOut, **WRITE_ERRORS}, summary="Declare an incident"
)
def create_incident(request: HttpRequest, payload: IncidentIn) -> HttpStatus[IncidentOut]:
    """Supervisors only. Then add the affected customers."""
    agent = agent_of(request)
    team = named(team_by_id, payload.team_id, field="team_id", what="team")
    incident = incidents_actions.create_incident(
        title=payload.title,
        description=payload.description,
        severity=payload.severity,
        team=team,
        message_draft=payload.message_draft,
        priority_rules=payload.priority_rules,
        default_tier=payload.default_tier,
        max_attempts=payload.max_attempts,
        by=agent,
    )
    return HttpStatus(201, IncidentOut.of(incident))


@router.get(
    "/incidents/{int:incident_id}", response={200: IncidentOut, **READ_ERRORS}, summary="Incident"
)
def get_incident(request: HttpRequest, incident_id: Id) -> IncidentOut:
    return IncidentOut.of(selectors.incident_for_agent(agent_of(request), incident_id))


@router.post(
    "/incidents/{int:incident_id}/audience",
    response={200: AudienceOut, **WRITE_ERRORS},
    summary="Add affected customers",
)
def add_audience(request: HttpRequest, incident_id: Id, payload: AudienceIn) -> AudienceOut:
    """By tag, order/flight number, search or customer ids: one owned task per new customer."""
    agent = agent_of(request)
    incident = selectors.incident_for_agent(agent, incident_id)
    customers = [customer_for_agent(agent, cid) for cid in payload.customer_ids[:10_000]]
    result = tasks_actions.add_audience(
        incident=incident,
        tag=payload.tag,
        asset_reference=payload.asset_reference,
        search=payload.search,
        customers=customers,
        by=agent,
    )
    return AudienceOut(
        selected=result.selected,
        added=result.added,
        already=result.already,
        over_capacity=result.over_capacity,
    )


@router.post(
    "/incidents/{int:incident_id}/imports",
    response={202: ImportOut, **WRITE_ERRORS},
    summary="Import affected customers from CSV",
)
def start_import(request: HttpRequest, incident_id: Id, payload: ImportIn) -> HttpStatus[ImportOut]:
    """Queued for the worker; poll `GET /outreach/imports/{id}` for progress and bad lines."""
    agent = agent_of(request)
    incident = selectors.incident_for_agent(agent, incident_id)
    job = imports_actions.start_import(
        incident=incident, content=payload.csv, filename=payload.filename, by=agent
    )
    job.refresh_from_db()
    return HttpStatus(202, ImportOut.of(job))


@router.get(
    "/imports/{int:import_id}", response={200: ImportOut, **READ_ERRORS}, summary="Import progress"
)
def get_import(request: HttpRequest, import_id: Id) -> ImportOut:
    return ImportOut.of(selectors.import_for_agent(agent_of(request), import_id))


@router.get(
    "/incidents/{int:incident_id}/board",
    response={200: BoardOut, **READ_ERRORS},
    summary="Progress board",
)
def get_board(request: HttpRequest, incident_id: Id) -> BoardOut:
    """Reached / attempted / not yet / failed, overall and per agent; outcomes of the reached."""
    incident = selectors.incident_for_agent(agent_of(request), incident_id)
    return BoardOut(**selectors.board(incident).as_dict())


def _offset_of(cursor: str | None) -> int:
    if not cursor:
        return 0
    values = decode_cursor(cursor)
    if len(values) != 1 or not isinstance(values[0], int) or not 0 <= values[0] <= 1_000_000:
        raise invalid_cursor()
    return values[0]


@router.get(
    "/incidents/{int:incident_id}/tasks",
    response={200: TaskPage, **READ_ERRORS},
    summary="Outreach tasks",
)
def list_tasks(request: HttpRequest, incident_id: Id, filters: Query[TaskQuery]) -> TaskPage:
    """Open ones first, the most affected first."""
    agent = agent_of(request)
    incident = selectors.incident_for_agent(agent, incident_id)
    # The order is worked out per page of an incident's audience (thousands at most), so the
    # cursor is a position in it.
    start = _offset_of(filters.cursor)
    end = start + filters.limit
    rows = selectors.task_rows(
        incident,
        owner=agent if filters.mine else None,
        status=filters.status or "",
        limit=end + 1,
    )
    return TaskPage(
        items=[TaskOut.of(t) for t in rows[start:end]],
        next=encode_cursor(end) if len(rows) > end else None,
    )


def _detail(agent: Agent, task_id: int) -> TaskDetailOut:
    task = selectors.task_for_agent(agent, task_id)
    return TaskDetailOut(
        **TaskOut.of(task).dict(),
        phone=selectors.phone_of(task.customer),
        draft=tasks_actions.draft_text(task, agent),
    )


@router.get(
    "/tasks/{int:task_id}", response={200: TaskDetailOut, **READ_ERRORS}, summary="Outreach task"
)
def get_task(request: HttpRequest, task_id: Id) -> TaskDetailOut:
    return _detail(agent_of(request), task_id)


@router.post(
    "/tasks/{int:task_id}/call",
    response={200: TaskDetailOut, **WRITE_ERRORS, 409: READ_ERRORS[404]},
    summary="Log the call and its outcome",
)
def log_call(request: HttpRequest, task_id: Id, payload: OutreachCallIn) -> TaskDetailOut:
    agent = agent_of(request)
    task = selectors.task_for_agent(agent, task_id)
    tasks_actions.log_outreach_call(
        task=task,
        by=agent,
        call_outcome=payload.call_outcome,
        outcome=payload.outcome,
        notes=payload.notes,
        phone=payload.phone,
        duration_seconds=payload.duration_seconds,
        expected=payload.expected_status,
        keep_open=payload.keep_open,
    )
    return _detail(agent, task_id)


@router.post(
    "/tasks/{int:task_id}/message",
    response={200: TaskDetailOut, **WRITE_ERRORS},
    summary="Send the agent's own message",
)
def send_message(request: HttpRequest, task_id: Id, payload: OutreachMessageIn) -> TaskDetailOut:
    """Signed with the agent's name; the unedited draft is refused."""
    agent = agent_of(request)
    task = selectors.task_for_agent(agent, task_id)
    tasks_actions.send_outreach_message(task=task, text=payload.text, by=agent)
    return _detail(agent, task_id)


@router.post(
    "/tasks/{int:task_id}/result",
    response={200: TaskDetailOut, **WRITE_ERRORS, 409: READ_ERRORS[404]},
    summary="Record reached (another way) or cannot reach",
)
def record_result(request: HttpRequest, task_id: Id, payload: ResultIn) -> TaskDetailOut:
    agent = agent_of(request)
    task = selectors.task_for_agent(agent, task_id)
    tasks_actions.record_outreach_result(
        task=task,
        by=agent,
        status=payload.status,
        outcome=payload.outcome,
        note=payload.note,
        expected=payload.expected_status,
        keep_open=payload.keep_open,
    )
    return _detail(agent, task_id)
