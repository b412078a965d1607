"""The shapes of /outreach: make-goods, their totals and limits; incidents, audiences, imports,
the board and outreach tasks."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AwareDatetime

from rapport.api.schemas.base import LONG_TEXT, Input, PageQuery
from rapport.cases.models import CallOutcome
from rapport.outreach.models import (
    AudienceImport,
    Incident,
    MakeGood,
    MakeGoodKind,
    MakeGoodStatus,
    OutreachOutcome,
    OutreachStatus,
    OutreachTask,
    Severity,
)

# Money as the columns hold it: up to 9,999,999,999.99.
Amount = Annotated[Decimal, Field(max_digits=12, decimal_places=2, allow_inf_nan=False)]


# Counters kept in PositiveSmallIntegerField.
SMALL = 32_767


# --- make-goods -----------------------------------------------------------------------------


class MakeGoodIn(Input):
    case_id: int
    kind: MakeGoodKind
    description: str = Field(..., max_length=500)
    reason: str = Field(..., max_length=100)
    amount: Amount = Field(Decimal("0"), ge=0)
    currency: str = Field("", max_length=3)
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


class DecisionIn(Input):
    approve: bool
    note: str = Field("", max_length=500)


class LimitIn(Input):
    agent_id: int | None = None
    currency: str = Field(max_length=3)
    amount: Amount = Field(ge=0)


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


class MakeGoodPage(Schema):
    items: list[MakeGoodOut]
    next: str | None


class MakeGoodQuery(PageQuery):
    case_id: int | None = None
    customer_id: int | None = None
    asset_id: int | None = None
    status: MakeGoodStatus | None = None


class TotalsQuery(Input):
    period: Literal["day", "week", "month"] = "month"
    since: AwareDatetime | None = None
    until: AwareDatetime | None = None


# --- incidents ------------------------------------------------------------------------------


class IncidentIn(Input):
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=LONG_TEXT)
    severity: Severity = Severity.MAJOR
    team_id: int | None = None
    message_draft: str = Field("", max_length=LONG_TEXT)
    priority_rules: list[dict[str, Any]] | None = Field(
        None, description="Omit for the defaults (travelling today, medical need, high value)."
    )
    default_tier: int = Field(3, ge=1, le=SMALL)
    max_attempts: int = Field(3, ge=1, le=SMALL)


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


class AudienceIn(Input):
    tag: str = Field("", max_length=50)
    asset_reference: str = Field(
        "", max_length=100, description="Order or flight number, e.g. AU 482."
    )
    search: str = Field("", max_length=200, description="A case search, as in the inbox.")
    customer_ids: list[int] = Field(default_factory=list, max_length=10_000)


class AudienceOut(Schema):
    selected: int
    added: int
    already: int
    over_capacity: int


class ImportIn(Input):
    filename: str = Field("", max_length=255)
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


class OutreachCallIn(Input):
    call_outcome: CallOutcome
    outcome: OutreachOutcome | Literal[""] = ""
    notes: str = Field("", max_length=5000)
    phone: str = Field("", max_length=32)
    duration_seconds: int = Field(0, ge=0, le=24 * 3600)
    expected_status: OutreachStatus | None = Field(
        None, description="The status you saw; if it changed meanwhile you get a 409."
    )
    keep_open: bool = False


class OutreachMessageIn(Input):
    text: str = Field(max_length=LONG_TEXT)


class ResultIn(Input):
    status: Literal[OutreachStatus.REACHED, OutreachStatus.FAILED]
    outcome: OutreachOutcome | Literal[""] = ""
    note: str = Field("", max_length=5000)
    expected_status: OutreachStatus | None = Field(
        None, description="The status you saw; if it changed meanwhile you get a 409."
    )
    keep_open: bool = False


class IncidentPage(Schema):
    items: list[IncidentOut]
    next: str | None


class TaskPage(Schema):
    items: list[TaskOut]
    next: str | None


class TaskQuery(PageQuery):
    mine: bool = Field(False, description="Only the tasks you own.")
    status: OutreachStatus | None = None
