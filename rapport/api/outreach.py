"""/outreach: make-goods with approvals and totals; incidents, their outreach tasks and board."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus

from rapport.api.auth import agent_of
from rapport.api.customers import READ_ERRORS, WRITE_ERRORS, agent_by_id
from rapport.cases.access import case_for_agent, customer_for_agent
from rapport.lib.errors import ActionError
from rapport.outreach import actions, imports, make_goods, selectors, work
from rapport.outreach.models import (
    AudienceImport,
    Incident,
    MakeGood,
    OutreachTask,
)
from rapport.people.models import Agent, Asset, Team

router = Router(tags=["outreach"])


def _forbid_unless_supervisor(agent: Agent) -> None:
    if not agent.is_supervisor:
        raise actions.NotAllowed("Only a supervisor can do this.")


# --- make-goods -----------------------------------------------------------------------------


class MakeGoodIn(Schema):
    case_id: int
    kind: Literal["replacement", "part_next_day", "credit", "refund", "goodwill"]
    description: str = Field(..., max_length=500)
    reason: str = Field(..., max_length=100)
    amount: Decimal = Decimal("0")
    currency: str = ""
    asset_id: int | None = None


class MakeGoodOut(Schema):
    id: int
    case_id: int
    customer_id: int
    asset_id: int | None
    asset_reference: str | None
    kind: str
    description: str
    reason: str
    amount: Decimal
    currency: str
    status: str
    recorded_by_id: int | None
    approved_by_id: int | None
    decided_at: datetime | None
    decision_note: str
    created_at: datetime

    @staticmethod
    def of(mg: MakeGood) -> MakeGoodOut:
        return MakeGoodOut(
            id=mg.pk,
            case_id=mg.case_id,
            customer_id=mg.customer_id,
            asset_id=mg.asset_id,
            asset_reference=mg.asset.reference if mg.asset else None,
            kind=mg.kind,
            description=mg.description,
            reason=mg.reason,
            amount=mg.amount,
            currency=mg.currency,
            status=mg.status,
            recorded_by_id=mg.recorded_by_id,
            approved_by_id=mg.approved_by_id,
            decided_at=mg.decided_at,
            decision_note=mg.decision_note,
            created_at=mg.created_at,
        )


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=500)


class LimitIn(Schema):
    agent_id: int | None = None
    currency: str
    amount: Decimal


class LimitOut(Schema):
    agent_id: int | None
    currency: str
    amount: Decimal


class TotalOut(Schema):
    period: datetime
    reason: str
    currency: str
    count: int
    amount: Decimal


class TotalsOut(Schema):
    since: datetime
    until: datetime
    period: str
    items: list[TotalOut]


@router.get(
    "/make-goods", response={200: list[MakeGoodOut], **READ_ERRORS}, summary="List make-goods"
)
def list_make_goods(
    request: HttpRequest,
    case_id: int | None = None,
    customer_id: int | None = None,
    asset_id: int | None = None,
    status: str | None = None,
) -> list[MakeGoodOut]:
    """Of a case, a customer or an order (asset); newest first, at most 200."""
    agent = agent_of(request)
    goods = selectors.make_goods_for_agent(agent)
    if case_id is not None:
        goods = goods.filter(case=case_for_agent(agent, case_id))
    if customer_id is not None:
        goods = MakeGood.objects.filter(customer=customer_for_agent(agent, customer_id))
    if asset_id is not None:
        asset = Asset.objects.filter(pk=asset_id).first()
        if asset is None:
            raise Http404("No such asset")
        customer_for_agent(agent, asset.customer_id)
        goods = MakeGood.objects.filter(asset=asset)
    if status:
        goods = goods.filter(status=status)
    rows = goods.select_related("asset").order_by("-created_at", "-pk")[:200]
    return [MakeGoodOut.of(mg) for mg in rows]


@router.post(
    "/make-goods", response={201: MakeGoodOut, **WRITE_ERRORS}, summary="Record a make-good"
)
def record_make_good(request: HttpRequest, payload: MakeGoodIn) -> HttpStatus[MakeGoodOut]:
    """Over the recorder's approval limit it is `pending` until a supervisor decides."""
    agent = agent_of(request)
    case = case_for_agent(agent, payload.case_id)
    asset = None
    if payload.asset_id is not None:
        asset = Asset.objects.filter(pk=payload.asset_id, customer_id=case.customer_id).first()
        if asset is None:
            raise ActionError("That order belongs to another customer.", field="asset_id")
    mg = make_goods.record_make_good(
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
def decide(request: HttpRequest, make_good_id: int, payload: DecisionIn) -> MakeGoodOut:
    """Supervisors only; deciding twice is a 409."""
    agent = agent_of(request)
    mg = selectors.make_good_for_agent(agent, make_good_id)
    mg = make_goods.decide_make_good(
        make_good=mg, by=agent, approve=payload.approve, note=payload.note
    )
    return MakeGoodOut.of(mg)


@router.get(
    "/make-goods/totals",
    response={200: TotalsOut, **READ_ERRORS, 403: READ_ERRORS[404]},
    summary="Make-good totals per period and reason",
)
def totals(
    request: HttpRequest,
    period: Literal["day", "week", "month"] = "month",
    since: datetime | None = None,
    until: datetime | None = None,
) -> TotalsOut:
    """Approved make-goods (default: the last twelve months), per currency. Supervisors only."""
    agent = agent_of(request)
    _forbid_unless_supervisor(agent)
    default_since, default_until = selectors.default_totals_window(timezone.now())
    since, until = since or default_since, until or default_until
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
    who = agent_by_id(payload.agent_id, field="agent_id")
    limit = make_goods.set_approval_limit(
        agent=who, currency=payload.currency, amount=payload.amount, by=agent
    )
    return LimitOut(agent_id=limit.agent_id, currency=limit.currency, amount=limit.amount)


# --- incidents ------------------------------------------------------------------------------


class IncidentIn(Schema):
    title: str = Field(..., max_length=200)
    description: str = ""
    severity: Literal["critical", "major", "minor"] = "major"
    team_id: int | None = None
    message_draft: str = ""
    priority_rules: list[dict[str, Any]] | None = Field(
        None, description="Omit for the defaults (travelling today, medical need, high value)."
    )
    default_tier: int = 3
    max_attempts: int = 3


class IncidentOut(Schema):
    id: int
    title: str
    description: str
    severity: str
    status: str
    team_id: int | None
    message_draft: str
    priority_rules: list[dict[str, Any]]
    default_tier: int
    max_attempts: int
    created_at: datetime

    @staticmethod
    def of(incident: Incident) -> IncidentOut:
        return IncidentOut(
            id=incident.pk,
            title=incident.title,
            description=incident.description,
            severity=incident.severity,
            status=incident.status,
            team_id=incident.team_id,
            message_draft=incident.message_draft,
            priority_rules=incident.priority_rules,
            default_tier=incident.default_tier,
            max_attempts=incident.max_attempts,
            created_at=incident.created_at,
        )


class AudienceIn(Schema):
    tag: str = ""
    asset_reference: str = Field("", description="Order or flight number, e.g. AU 482.")
    search: str = Field("", description="A case search, as in the inbox.")
    customer_ids: list[int] = []


class AudienceOut(Schema):
    selected: int
    added: int
    already: int
    over_capacity: int


class ImportIn(Schema):
    filename: str = ""
    csv: str = Field(..., description="The file's text: a header line with name, email, phone.")


class ImportOut(Schema):
    id: int
    incident_id: int
    status: str
    total_rows: int
    processed_rows: int
    added: int
    errors: list[dict[str, Any]]
    failure: str

    @staticmethod
    def of(job: AudienceImport) -> ImportOut:
        return ImportOut(
            id=job.pk,
            incident_id=job.incident_id,
            status=job.status,
            total_rows=job.total_rows,
            processed_rows=job.processed_rows,
            added=job.added,
            errors=job.errors,
            failure=job.failure,
        )


class AgentCounts(Schema):
    agent_id: int | None
    agent: str | None
    counts: dict[str, int]
    total: int
    capacity: int | None
    over_capacity: int


class BoardOut(Schema):
    total: int
    overall: dict[str, int]
    outcomes: dict[str, int]
    over_capacity: int
    first_tier_open: int
    per_agent: list[AgentCounts]


class TaskOut(Schema):
    id: int
    incident_id: int
    customer_id: int
    customer_name: str
    case_id: int
    owner_id: int | None
    tier: int
    reasons: list[str]
    contact: str
    reference: str
    status: str
    outcome: str
    attempts: int
    over_capacity: bool
    assignment_reason: str

    @staticmethod
    def of(task: OutreachTask) -> TaskOut:
        return TaskOut(
            id=task.pk,
            incident_id=task.incident_id,
            customer_id=task.customer_id,
            customer_name=task.customer.name,
            case_id=task.case_id,
            owner_id=task.owner_id,
            tier=task.tier,
            reasons=task.reasons,
            contact=task.contact,
            reference=task.reference,
            status=task.status,
            outcome=task.outcome,
            attempts=task.attempts,
            over_capacity=task.over_capacity,
            assignment_reason=task.assignment_reason,
        )


class TaskDetailOut(TaskOut):
    phone: str
    draft: str = Field(..., description="The starting text for the caller to make their own.")


class CallIn(Schema):
    call_outcome: Literal["reached", "voicemail", "no_answer", "busy", "wrong_number"]
    outcome: Literal["rebooked", "refunded", "declined", "other", ""] = ""
    notes: str = ""
    phone: str = ""
    duration_seconds: int = Field(0, ge=0, le=24 * 3600)
    expected_status: str | None = None
    keep_open: bool = False


class MessageIn(Schema):
    text: str


class ResultIn(Schema):
    status: Literal["reached", "failed"]
    outcome: Literal["rebooked", "refunded", "declined", "other", ""] = ""
    note: str = ""
    expected_status: str | None = None
    keep_open: bool = False


@router.get("/incidents", response={200: list[IncidentOut], **READ_ERRORS}, summary="Incidents")
def list_incidents(request: HttpRequest) -> list[IncidentOut]:
    agent = agent_of(request)
    return [IncidentOut.of(i) for i in selectors.incidents_for_agent(agent)[:100]]


@router.post(
    "/incidents", response={201: IncidentOut, **WRITE_ERRORS}, summary="Declare an incident"
)
def create_incident(request: HttpRequest, payload: IncidentIn) -> HttpStatus[IncidentOut]:
    """Supervisors only. Then add the affected customers."""
    agent = agent_of(request)
    team = None
    if payload.team_id is not None:
        team = Team.objects.filter(pk=payload.team_id).first()
        if team is None:
            raise ActionError(f"There is no team #{payload.team_id}.", field="team_id")
    incident = actions.create_incident(
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
def get_incident(request: HttpRequest, incident_id: int) -> IncidentOut:
    return IncidentOut.of(selectors.incident_for_agent(agent_of(request), incident_id))


@router.post(
    "/incidents/{int:incident_id}/audience",
    response={200: AudienceOut, **WRITE_ERRORS},
    summary="Add affected customers",
)
def add_audience(request: HttpRequest, incident_id: int, payload: AudienceIn) -> AudienceOut:
    """By tag, order/flight number, search or customer ids: one owned task per new customer."""
    agent = agent_of(request)
    incident = selectors.incident_for_agent(agent, incident_id)
    customers = [customer_for_agent(agent, cid) for cid in payload.customer_ids[:10_000]]
    result = actions.add_audience(
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
def start_import(
    request: HttpRequest, incident_id: int, payload: ImportIn
) -> HttpStatus[ImportOut]:
    """Queued for the worker; poll `GET /outreach/imports/{id}` for progress and bad lines."""
    agent = agent_of(request)
    incident = selectors.incident_for_agent(agent, incident_id)
    job = imports.start_import(
        incident=incident, content=payload.csv, filename=payload.filename, by=agent
    )
    job.refresh_from_db()
    return HttpStatus(202, ImportOut.of(job))


@router.get(
    "/imports/{int:import_id}", response={200: ImportOut, **READ_ERRORS}, summary="Import progress"
)
def get_import(request: HttpRequest, import_id: int) -> ImportOut:
    return ImportOut.of(selectors.import_for_agent(agent_of(request), import_id))


@router.get(
    "/incidents/{int:incident_id}/board",
    response={200: BoardOut, **READ_ERRORS},
    summary="Progress board",
)
def get_board(request: HttpRequest, incident_id: int) -> BoardOut:
    """Reached / attempted / not yet / failed, overall and per agent; outcomes of the reached."""
    incident = selectors.incident_for_agent(agent_of(request), incident_id)
    return BoardOut(**selectors.board(incident).as_dict())


@router.get(
    "/incidents/{int:incident_id}/tasks",
    response={200: list[TaskOut], **READ_ERRORS},
    summary="Outreach tasks",
)
def list_tasks(
    request: HttpRequest,
    incident_id: int,
    mine: bool = False,
    status: str = "",
    limit: int = Query(200, ge=1, le=1000),  # type: ignore[type-arg]
) -> list[TaskOut]:
    """Open ones first, the most affected first."""
    agent = agent_of(request)
    incident = selectors.incident_for_agent(agent, incident_id)
    rows = selectors.task_rows(incident, owner=agent if mine else None, status=status, limit=limit)
    return [TaskOut.of(t) for t in rows]


def _detail(agent: Agent, task_id: int) -> TaskDetailOut:
    task = selectors.task_for_agent(agent, task_id)
    return TaskDetailOut(
        **TaskOut.of(task).dict(),
        phone=selectors.phone_of(task.customer),
        draft=work.draft_text(task, agent),
    )


@router.get(
    "/tasks/{int:task_id}", response={200: TaskDetailOut, **READ_ERRORS}, summary="Outreach task"
)
def get_task(request: HttpRequest, task_id: int) -> TaskDetailOut:
    return _detail(agent_of(request), task_id)


@router.post(
    "/tasks/{int:task_id}/call",
    response={200: TaskDetailOut, **WRITE_ERRORS, 409: READ_ERRORS[404]},
    summary="Log the call and its outcome",
)
def log_call(request: HttpRequest, task_id: int, payload: CallIn) -> TaskDetailOut:
    agent = agent_of(request)
    task = selectors.task_for_agent(agent, task_id)
    work.log_outreach_call(
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
def send_message(request: HttpRequest, task_id: int, payload: MessageIn) -> TaskDetailOut:
    """Signed with the agent's name; the unedited draft is refused."""
    agent = agent_of(request)
    task = selectors.task_for_agent(agent, task_id)
    work.send_outreach_message(task=task, text=payload.text, by=agent)
    return _detail(agent, task_id)


@router.post(
    "/tasks/{int:task_id}/result",
    response={200: TaskDetailOut, **WRITE_ERRORS, 409: READ_ERRORS[404]},
    summary="Record reached (another way) or cannot reach",
)
def record_result(request: HttpRequest, task_id: int, payload: ResultIn) -> TaskDetailOut:
    agent = agent_of(request)
    task = selectors.task_for_agent(agent, task_id)
    work.record_outreach_result(
        task=task,
        by=agent,
        status=payload.status,
        outcome=payload.outcome,
        note=payload.note,
        expected=payload.expected_status,
        keep_open=payload.keep_open,
    )
    return _detail(agent, task_id)
