"""Permission-checked reads and the numbers supervisors watch; each a fixed number of queries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.http import Http404

from rapport.cases.access import agent_team_ids, cases_for_agent
from rapport.cases.models import Case
from rapport.outreach.models import (
    AudienceImport,
    Incident,
    MakeGood,
    MakeGoodStatus,
    OutreachOutcome,
    OutreachStatus,
    OutreachTask,
)
from rapport.people.models import Agent, Customer, Identity

# --- incidents and tasks --------------------------------------------------------------------


def incidents_for_agent(agent: Agent) -> QuerySet[Incident]:
    """Supervisors see every incident; agents those of their teams or with a task of theirs."""
    if agent.is_supervisor:
        return Incident.objects.all()
    mine = OutreachTask.objects.filter(incident_id=OuterRef("pk"), owner=agent)
    return Incident.objects.filter(Q(team_id__in=agent_team_ids(agent)) | Exists(mine))


def incident_for_agent(agent: Agent, incident_id: int) -> Incident:
    incident = (
        incidents_for_agent(agent)
        .select_related("team", "created_by")
        .filter(pk=incident_id)
        .first()
    )
    if incident is None:
        raise Http404("No such incident")
    return incident


def tasks_for_agent(agent: Agent) -> QuerySet[OutreachTask]:
    """Tasks on cases the agent may see (and therefore act on), like any case."""
    if agent.is_supervisor:
        return OutreachTask.objects.all()
    return OutreachTask.objects.filter(case__in=cases_for_agent(agent))


def task_for_agent(agent: Agent, task_id: int) -> OutreachTask:
    task = (
        tasks_for_agent(agent)
        .select_related("incident", "customer", "owner", "case")
        .prefetch_related(_identities())
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise Http404("No such outreach task")
    return task


def import_for_agent(agent: Agent, import_id: int) -> AudienceImport:
    job = (
        AudienceImport.objects.filter(incident__in=incidents_for_agent(agent), pk=import_id)
        .select_related("incident")
        .first()
    )
    if job is None:
        raise Http404("No such import")
    return job


def _identities() -> Prefetch[Any]:
    return Prefetch(
        "customer__identities",
        queryset=Identity.objects.filter(undeliverable_reason="").order_by("-is_primary", "pk"),
    )


STATUS_ORDER = {
    OutreachStatus.NOT_YET: 0,
    OutreachStatus.ATTEMPTED: 1,
    OutreachStatus.FAILED: 2,
    OutreachStatus.REACHED: 3,
}


def task_rows(
    incident: Incident,
    *,
    owner: Agent | None = None,
    status: str = "",
    limit: int = 200,
) -> list[OutreachTask]:
    """Who to reach next: open ones first, the most affected (tier 1) first, then by name."""
    tasks = incident.tasks.select_related("customer", "owner").prefetch_related(_identities())
    if owner is not None:
        tasks = tasks.filter(owner=owner)
    if status:
        tasks = tasks.filter(status=status)
    rows = list(tasks.order_by("tier", "customer__name", "pk")[: limit * 4])
    rows.sort(key=lambda t: (STATUS_ORDER[OutreachStatus(t.status)], t.tier, t.customer.name))
    return rows[:limit]


def phone_of(customer: Customer) -> str:
    """The first deliverable phone number, from prefetched identities."""
    return next((i.value for i in customer.identities.all() if i.kind == "phone"), "")


@dataclass
class AgentProgress:
    agent: Agent | None
    counts: dict[str, int]
    total: int
    capacity: int | None
    over_capacity: int = 0


@dataclass
class Board:
    overall: dict[str, int]
    total: int
    per_agent: list[AgentProgress]
    outcomes: dict[str, int]
    over_capacity: int
    first_tier_open: int
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def done(self) -> int:
        return self.overall[OutreachStatus.REACHED] + self.overall[OutreachStatus.FAILED]

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "overall": self.overall,
            "outcomes": self.outcomes,
            "over_capacity": self.over_capacity,
            "first_tier_open": self.first_tier_open,
            "per_agent": [
                {
                    "agent_id": row.agent.pk if row.agent else None,
                    "agent": row.agent.display_name if row.agent else None,
                    "counts": row.counts,
                    "total": row.total,
                    "capacity": row.capacity,
                    "over_capacity": row.over_capacity,
                }
                for row in self.per_agent
            ],
        }


def board(incident: Incident) -> Board:
    """Reached / attempted / not yet / failed, overall and per agent: three queries."""
    empty = dict.fromkeys(OutreachStatus.values, 0)
    grouped = (
        OutreachTask.objects.filter(incident=incident)
        .values("owner_id", "status")
        .annotate(
            n=Count("id"),
            over=Count("id", filter=Q(over_capacity=True)),
            first=Count("id", filter=Q(tier=1)),
        )
        .order_by()
    )
    overall = dict(empty)
    per: dict[int | None, dict[str, int]] = {}
    over: Counter[int | None] = Counter()
    first_open = 0
    for row in grouped:
        overall[row["status"]] += row["n"]
        per.setdefault(row["owner_id"], dict(empty))[row["status"]] += row["n"]
        over[row["owner_id"]] += row["over"]
        if row["status"] in (OutreachStatus.NOT_YET, OutreachStatus.ATTEMPTED):
            first_open += row["first"]
    outcomes = dict.fromkeys(OutreachOutcome.values, 0)
    for outcome, n in (
        OutreachTask.objects.filter(incident=incident, status=OutreachStatus.REACHED)
        .values_list("outcome")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if outcome in outcomes:
            outcomes[outcome] += n
    agents = Agent.objects.in_bulk([pk for pk in per if pk is not None])
    rows = [
        AgentProgress(
            agent=agents.get(pk) if pk is not None else None,
            counts=counts,
            total=sum(counts.values()),
            capacity=agents[pk].capacity if pk in agents else None,
            over_capacity=over[pk],
        )
        for pk, counts in per.items()
    ]
    rows.sort(key=lambda r: r.agent.display_name if r.agent else "")
    return Board(
        overall=overall,
        total=sum(overall.values()),
        per_agent=rows,
        outcomes=outcomes,
        over_capacity=sum(over.values()),
        first_tier_open=first_open,
        labels=dict(OutreachStatus.choices),
    )


def incident_summaries(incidents: QuerySet[Incident]) -> list[Incident]:
    """Incidents with their task counts annotated (`n_tasks`, `n_reached`, `n_open`)."""
    return list(
        incidents.select_related("team").annotate(
            n_tasks=Count("tasks"),
            n_reached=Count("tasks", filter=Q(tasks__status=OutreachStatus.REACHED)),
            n_open=Count(
                "tasks",
                filter=Q(tasks__status__in=[OutreachStatus.NOT_YET, OutreachStatus.ATTEMPTED]),
            ),
        )[:100]
    )


# --- make-goods -----------------------------------------------------------------------------


def make_goods_for_agent(agent: Agent) -> QuerySet[MakeGood]:
    if agent.is_supervisor:
        return MakeGood.objects.all()
    return MakeGood.objects.filter(case__in=cases_for_agent(agent))


def make_good_for_agent(agent: Agent, make_good_id: int) -> MakeGood:
    found = (
        make_goods_for_agent(agent)
        .select_related("case", "customer", "asset", "recorded_by", "approved_by")
        .filter(pk=make_good_id)
        .first()
    )
    if found is None:
        raise Http404("No such make-good")
    return found


def make_goods_of_customer(
    customer_id: int, *, visible: QuerySet[Case] | None = None
) -> list[MakeGood]:
    """A customer's make-goods on the `visible` cases (None: all of them), newest first, with
    their orders: one query."""
    make_goods = MakeGood.objects.filter(customer_id=customer_id)
    if visible is not None:
        make_goods = make_goods.filter(case__in=visible)
    return list(
        make_goods.select_related("asset", "recorded_by", "approved_by").order_by(
            "-created_at", "-pk"
        )[:50]
    )


def pending_approvals(make_goods: QuerySet[MakeGood]) -> list[MakeGood]:
    return list(
        make_goods.filter(status=MakeGoodStatus.PENDING)
        .select_related("case", "customer", "asset", "recorded_by")
        .order_by("created_at", "pk")[:200]
    )


PERIODS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


@dataclass(frozen=True, slots=True)
class Total:
    period: datetime
    reason: str
    currency: str
    count: int
    amount: Decimal


def make_good_totals(
    make_goods: QuerySet[MakeGood], *, since: datetime, until: datetime, period: str = "month"
) -> list[Total]:
    """Approved make-goods per period and reason (and currency: amounts never mix): one query."""
    trunc = PERIODS.get(period)
    if trunc is None:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    rows = (
        make_goods.filter(
            status=MakeGoodStatus.APPROVED, created_at__gte=since, created_at__lt=until
        )
        .annotate(period=trunc("created_at"))
        .values("period", "reason", "currency")
        .annotate(count=Count("id"), amount=Sum("amount"))
        .order_by("-period", "reason", "currency")
    )
    return [
        Total(
            period=row["period"],
            reason=row["reason"],
            currency=row["currency"],
            count=row["count"],
            amount=Decimal(row["amount"] or 0).quantize(Decimal("0.01")),
        )
        for row in rows
    ]


def default_totals_window(now: datetime) -> tuple[datetime, datetime]:
    """The last twelve months up to now."""
    return now - timedelta(days=365), now + timedelta(seconds=1)
