"""The only functions that change incidents and outreach tasks: atomic and audited.

Make-goods are changed in `make_goods.py`, CSV imports run in `imports.py`, a task is worked
(calls, messages, its result) in `work.py`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from rapport.cases.access import cases_for_agent
from rapport.cases.actions.events import (
    NewNotification,
    notify_agents,
)
from rapport.cases.models import (
    Case,
    Initiative,
    NotificationKind,
    Priority,
    Status,
)
from rapport.cases.search import search_cases
from rapport.lib.errors import ActionError
from rapport.outreach import rules
from rapport.outreach.assign import Pool
from rapport.outreach.models import (
    Contact,
    Incident,
    IncidentEvent,
    IncidentStatus,
    OutreachTask,
    Severity,
)
from rapport.people.models import Agent, Asset, Channel, Customer, Identity, IdentityKind, Team
from rapport.routing.actions.opening import Opening, open_cases
from rapport.routing.service import loads_cache

AUDIENCE_CHUNK = 2000
TIER_PRIORITY = {1: Priority.URGENT, 2: Priority.HIGH, 3: Priority.NORMAL}


class NotAllowed(ActionError):
    """The person may not do this (a supervisor's decision)."""

    status_code = 403


def require_supervisor(by: Agent, what: str) -> None:
    if not by.is_supervisor:
        raise NotAllowed(f"Only a supervisor can {what}.")


# --- incidents ------------------------------------------------------------------------------


def incident_event(incident: Incident, *, by: Agent | None, kind: str, **data: Any) -> None:
    IncidentEvent.objects.create(incident=incident, actor=by, kind=kind, data=data)


@transaction.atomic
def create_incident(
    *,
    title: str,
    by: Agent,
    description: str = "",
    severity: str = Severity.MAJOR,
    team: Team | None = None,
    message_draft: str = "",
    priority_rules: Any = None,
    default_tier: int = 3,
    max_attempts: int = 3,
) -> Incident:
    require_supervisor(by, "declare an incident")
    title = " ".join(title.split())
    if not title:
        raise ActionError(
            "An incident needs a title (e.g. Flight AU 482 cancelled).", field="title"
        )
    if severity not in Severity.values:
        raise ActionError(f"{severity!r} is not a severity.", field="severity")
    if default_tier not in rules.TIERS:
        raise ActionError("The default tier is 1, 2 or 3.", field="default_tier")
    if not 1 <= max_attempts <= 20:
        raise ActionError("Between 1 and 20 attempts.", field="max_attempts")
    draft = message_draft.strip() or rules.DEFAULT_DRAFT
    try:
        rules.check_draft(draft)
        checked = rules.validate(rules.DEFAULT_RULES if priority_rules is None else priority_rules)
    except rules.RuleError as exc:
        field_name = (
            "message_draft"
            if "draft" in str(exc) or "placeholder" in str(exc)
            else "priority_rules"
        )
        raise ActionError(str(exc), field=field_name) from exc
    incident = Incident.objects.create(
        title=title[:200],
        description=description.strip(),
        severity=severity,
        team=team,
        message_draft=draft,
        priority_rules=checked,
        default_tier=default_tier,
        max_attempts=max_attempts,
        created_by=by,
    )
    incident_event(incident, by=by, kind="created", title=incident.title, severity=severity)
    return incident


@transaction.atomic
def close_incident(*, incident: Incident, by: Agent) -> Incident:
    require_supervisor(by, "close an incident")
    now = timezone.now()
    if Incident.objects.filter(pk=incident.pk, status=IncidentStatus.OPEN).update(
        status=IncidentStatus.CLOSED, closed_at=now
    ):
        incident_event(incident, by=by, kind="closed")
    incident.refresh_from_db()
    return incident


@dataclass(frozen=True, slots=True)
class Affected:
    """One selected customer, how they were found, and what the selection knows about them."""

    customer_id: int
    source: str
    reference: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class AudienceResult:
    selected: int = 0
    added: int = 0
    already: int = 0
    over_capacity: int = 0
    task_ids: list[int] = field(default_factory=list)


def select_by_tag(tag: str) -> list[Affected]:
    """Customers with a case carrying `tag`."""
    clean = tag.strip().lower()
    if not clean:
        raise ActionError("Give a tag.", field="tag")
    cases = Case.objects.filter(customer__merged_into__isnull=True)
    if connection.vendor == "postgresql":
        cases = cases.filter(tags__contains=[clean])
    else:  # SQLite keeps the JSON list as text; a quoted element cannot match a longer tag
        cases = cases.filter(tags__icontains=f'"{clean}"')
    rows = cases.values_list("customer_id", "tags").order_by("customer_id")
    ids = dict.fromkeys(cid for cid, tags in rows if clean in tags)
    return [Affected(cid, f"tag:{clean}") for cid in ids]


def select_by_asset(reference: str) -> list[Affected]:
    """Customers with an order, booking or product whose reference is (or starts with) this,
    or whose `flight`/`order` attribute is it: "AU 482" finds booking AU482-7301 of flight AU 482.
    """
    clean = reference.strip()
    if not clean:
        raise ActionError("Give an order, flight or serial number.", field="asset_reference")
    compact = clean.replace(" ", "")
    assets = (
        Asset.objects.filter(customer__merged_into__isnull=True)
        .filter(_reference_q(clean, compact))
        .values_list("customer_id", "reference")
        .order_by("customer_id", "pk")
    )
    found: dict[int, str] = {}
    for customer_id, ref in assets:
        found.setdefault(customer_id, ref)
    return [Affected(cid, f"asset:{clean}", reference=ref) for cid, ref in found.items()]


def _reference_q(clean: str, compact: str) -> Q:
    query = Q(reference=clean) | Q(reference__startswith=f"{compact}-")
    query |= Q(reference__startswith=f"{clean}-") | Q(reference=compact)
    for key in ("flight", "order", "order_number", "flight_number"):
        query |= Q(**{f"attributes__{key}": clean})
    return query


def select_by_search(query: str, *, by: Agent) -> list[Affected]:
    """Customers of the cases a search finds (among the cases `by` may see)."""
    if not query.strip():
        raise ActionError("Give a search.", field="search")
    cases = search_cases(cases_for_agent(by), query).filter(customer__merged_into__isnull=True)
    ids = dict.fromkeys(cases.order_by("customer_id").values_list("customer_id", flat=True))
    return [Affected(cid, f"search:{query.strip()[:100]}") for cid in ids]


def add_audience(
    *,
    incident: Incident,
    by: Agent,
    tag: str = "",
    asset_reference: str = "",
    search: str = "",
    customers: Sequence[Customer] = (),
) -> AudienceResult:
    """Select affected customers (any mix of ways) and give each one a person reaching out."""
    require_supervisor(by, "add customers to an incident")
    selected: list[Affected] = []
    if tag.strip():
        selected += select_by_tag(tag)
    if asset_reference.strip():
        selected += select_by_asset(asset_reference)
    if search.strip():
        selected += select_by_search(search, by=by)
    selected += [Affected(c.pk, "chosen") for c in customers]
    if not (tag.strip() or asset_reference.strip() or search.strip() or customers):
        raise ActionError(
            "Choose who is affected: a tag, an order or flight number, a search or a CSV."
        )
    first: dict[int, Affected] = {}
    for entry in selected:
        first.setdefault(entry.customer_id, entry)
    selected = list(first.values())
    total = AudienceResult()
    # Chunks keep every IN (...) list within SQLite's limit on a very large incident.
    for start in range(0, len(selected), AUDIENCE_CHUNK):
        part = create_tasks(
            incident=incident, affected=selected[start : start + AUDIENCE_CHUNK], by=by
        )
        total.selected += part.selected
        total.added += part.added
        total.already += part.already
        total.over_capacity += part.over_capacity
        total.task_ids += part.task_ids
    return total


@transaction.atomic
def create_tasks(
    *, incident: Incident, affected: Iterable[Affected], by: Agent | None
) -> AudienceResult:
    """One outreach task (and an owned case) per new affected customer; idempotent per customer."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status != IncidentStatus.OPEN:
        raise ActionError("This incident is closed; reopen it before adding customers.")
    wanted: dict[int, Affected] = {}
    for entry in affected:
        wanted.setdefault(entry.customer_id, entry)
    result = AudienceResult(selected=len(wanted))
    if not wanted:
        return result
    existing = set(
        OutreachTask.objects.filter(incident=incident, customer_id__in=list(wanted)).values_list(
            "customer_id", flat=True
        )
    )
    result.already = len(existing)
    for customer_id in existing:
        wanted.pop(customer_id)
    if not wanted:
        return result
    now = timezone.now()
    customers = Customer.objects.in_bulk(list(wanted))
    plans = _plan(incident, [wanted[cid] for cid in wanted if cid in customers], customers, now)
    team_members = (
        set(incident.team.members.values_list("pk", flat=True)) if incident.team else None
    )
    pool = Pool(now=now, team_member_ids=team_members)
    if not pool:
        raise ActionError("There is no agent to give the outreach to; add agents first.")
    assignments = [
        pool.assign(
            owner_id=customers[p.affected.customer_id].owner_id,
            deputy_id=customers[p.affected.customer_id].deputy_id,
        )
        for p in plans
    ]
    per_agent: defaultdict[int, list[int]] = defaultdict(lambda: [0, 0])
    for plan, chosen in zip(plans, assignments, strict=True):
        per_agent[chosen.agent_id][0] += 1
        per_agent[chosen.agent_id][1] += plan.tier == 1
    agents = Agent.objects.in_bulk({chosen.agent_id for chosen in assignments})
    team_ids = [incident.team_id or pool.first_team_id(c.agent_id) for c in assignments]
    teams = Team.objects.in_bulk({pk for pk in team_ids if pk is not None})
    # The desk opens each case as every case is opened, already owned (the pool kept the loads).
    opened = open_cases(
        openings=[
            Opening(
                customer=customers[plan.affected.customer_id],
                subject=f"{incident.title} — personal outreach",
                channel=Channel.PHONE if plan.contact == Contact.PHONE else plan.channel,
                text=_briefing(incident, plan),
                by=by,
                priority=TIER_PRIORITY[plan.tier],
                owner=agents[chosen.agent_id],
                team=teams[team_id] if team_id is not None else None,
                tags=("incident", incident.tag),
                received_at=now,
                initiative=Initiative.DESK,
                status=Status.OPEN,
                audit={
                    "incident": incident.pk,
                    "rule": chosen.rule,
                    "over_capacity": chosen.over_capacity,
                },
                reason=chosen.reason,
            )
            for plan, chosen, team_id in zip(plans, assignments, team_ids, strict=True)
        ]
    )
    tasks = [
        OutreachTask(
            incident=incident,
            customer_id=result_case.customer_id,
            case=result_case,
            owner_id=chosen.agent_id,
            tier=plan.tier,
            reasons=list(plan.reasons),
            contact=plan.contact,
            source=plan.affected.source[:200],
            details=plan.affected.details,
            reference=plan.affected.reference[:100],
            assignment_reason=chosen.reason[:300],
            over_capacity=chosen.over_capacity,
            created_at=now,
            updated_at=now,
        )
        for plan, chosen, result_case in zip(
            plans, assignments, (o.case for o in opened), strict=True
        )
    ]
    OutreachTask.objects.bulk_create(tasks)
    notify_agents(
        (
            NewNotification(
                agent_id=agent_id,
                kind=NotificationKind.OUTREACH,
                text=(
                    f"{incident.title}: {count} customer{'s' if count != 1 else ''} to reach"
                    + (f", {first} to call first" if first else "")
                    + "."
                ),
            )
            for agent_id, (count, first) in per_agent.items()
        ),
        at=now,
    )
    result.added = len(tasks)
    result.over_capacity = sum(t.over_capacity for t in tasks)
    result.task_ids = [t.pk for t in tasks]
    sources = sorted({t.source.split(" line ")[0] for t in tasks})
    incident_event(
        incident,
        by=by,
        kind="audience_added",
        added=result.added,
        already=result.already,
        over_capacity=result.over_capacity,
        sources=sources[:20],
    )

    transaction.on_commit(loads_cache.forget)
    return result


@dataclass
class _Plan:
    affected: Affected
    tier: int
    reasons: tuple[str, ...]
    contact: str
    channel: str


def _plan(
    incident: Incident,
    affected: list[Affected],
    customers: dict[int, Customer],
    now: datetime,
) -> list[_Plan]:
    """Each customer's tier (from the rules), reasons and way of contact, most affected first."""
    ids = [a.customer_id for a in affected]
    tags: dict[int, list[list[str]]] = defaultdict(list)
    for customer_id, case_tags in Case.objects.filter(customer_id__in=ids).values_list(
        "customer_id", "tags"
    ):
        tags[customer_id].append(case_tags or [])
    attributes: dict[int, dict[str, Any]] = defaultdict(dict)
    matched: dict[int, dict[str, Any]] = {}
    wanted_refs = {a.customer_id: a.reference for a in affected if a.reference}
    for customer_id, reference, attrs in (
        Asset.objects.filter(customer_id__in=ids)
        .order_by("created_at", "pk")
        .values_list("customer_id", "reference", "attributes")
    ):
        attributes[customer_id].update(attrs or {})
        if reference and wanted_refs.get(customer_id) == reference:
            matched[customer_id] = attrs or {}
    kinds: dict[int, set[str]] = defaultdict(set)
    for customer_id, kind in Identity.objects.filter(
        customer_id__in=ids, undeliverable_reason=""
    ).values_list("customer_id", "kind"):
        kinds[customer_id].add(kind)
    plans = []
    for entry in affected:
        customer = customers[entry.customer_id]
        csv_tags = str(entry.details.get("tags", "")).replace(";", ",").split(",")
        facts = rules.Facts(
            tags=rules.tags_of([*tags[entry.customer_id], csv_tags]),
            attributes={
                **attributes[entry.customer_id],
                **matched.get(entry.customer_id, {}),
                **entry.details,
            },
        )
        today = now.astimezone(ZoneInfo(customer.timezone)).date()
        verdict = rules.evaluate(
            incident.priority_rules, facts, today=today, default=incident.default_tier
        )
        has_phone = IdentityKind.PHONE in kinds[entry.customer_id]
        has_email = IdentityKind.EMAIL in kinds[entry.customer_id]
        reasons = list(verdict.reasons)
        if (verdict.tier in rules.PHONE_TIERS and has_phone) or (not has_email and has_phone):
            contact = Contact.PHONE
        else:
            contact = Contact.MESSAGE
            if verdict.tier in rules.PHONE_TIERS:
                reasons.append("no phone number on file")
        if not has_phone and not has_email:
            reasons.append("no phone or email on file")
        plans.append(
            _Plan(
                affected=entry,
                tier=verdict.tier,
                reasons=tuple(reasons),
                contact=contact,
                channel=Channel.EMAIL if has_email else customer.preferred_channel,
            )
        )
    plans.sort(key=lambda p: (p.tier, customers[p.affected.customer_id].name.lower()))
    return plans


def _briefing(incident: Incident, plan: _Plan) -> str:
    """The case's first note: why the desk reaches out (the case page links its task)."""
    how = "Call first" if plan.tier == 1 else ("Call" if plan.contact == Contact.PHONE else "Write")
    why = f" — {', '.join(plan.reasons)}" if plan.reasons else ""
    lines = [f"Incident outreach: {incident.title}.", f"{how}{why}."]
    if incident.description:
        lines.append(incident.description)
    if plan.affected.reference:
        lines.append(f"Reference: {plan.affected.reference[:100]}")
    return "\n".join(lines)
