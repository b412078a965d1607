"""Outreach tasks: the audience of an incident (by tag, asset or search) becomes one personal
task (and case) a customer, planned across the care team; then each task is worked: the
calls, the messages and the result (atomic and audited)."""

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
from rapport.cases.actions import messages as case_messages
from rapport.cases.actions import status as case_status
from rapport.cases.actions.events import NewNotification, notify_agents, record_case_event
from rapport.cases.models import (
    ACTIVE_STATUSES,
    CallDirection,
    CallOutcome,
    Case,
    CaseEventKind,
    Initiative,
    Message,
    NotificationKind,
    Priority,
    Status,
)
from rapport.cases.saved_replies import check_personal
from rapport.cases.search import search_cases
from rapport.lib.errors import ActionError, Conflict
from rapport.outreach import rules
from rapport.outreach.actions.incidents import record_incident_event, require_supervisor
from rapport.outreach.assign import Pool
from rapport.outreach.models import (
    OUTREACH_TRANSITIONS,
    Contact,
    Incident,
    IncidentEventKind,
    IncidentStatus,
    OutreachOutcome,
    OutreachStatus,
    OutreachTask,
)
from rapport.people.models import Agent, Asset, Channel, Customer, Identity, IdentityKind, Team
from rapport.routing.actions.opening import Opening, open_cases
from rapport.routing.service import loads_cache

AUDIENCE_CHUNK = 2000


TIER_PRIORITY = {1: Priority.URGENT, 2: Priority.HIGH, 3: Priority.NORMAL}


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
    record_incident_event(
        incident,
        by=by,
        kind=IncidentEventKind.AUDIENCE_ADDED,
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


def _advance(
    task: OutreachTask,
    *,
    to: str,
    by: Agent,
    outcome: str = "",
    expected: str | None = None,
    attempt: bool = False,
    keep_open: bool = False,
    reason: str = "",
) -> OutreachTask:
    """Compare-and-set the task's status; a change made on a stale page is refused."""
    row = OutreachTask.objects.filter(pk=task.pk).values("status", "attempts").get()
    current = row["status"]
    if expected and expected != current:
        raise Conflict(
            f"This customer is now {OutreachStatus(current).label.lower()}, not "
            f"{OutreachStatus(expected).label.lower()} — someone else recorded it. Reload."
        )
    if to not in OUTREACH_TRANSITIONS[current]:
        raise ActionError(
            f"A customer marked {OutreachStatus(current).label.lower()} cannot become "
            f"{OutreachStatus(to).label.lower()}."
        )
    now = timezone.now()
    attempts = row["attempts"] + (1 if attempt else 0)
    incident = task.incident
    if to == OutreachStatus.ATTEMPTED and attempts >= incident.max_attempts:
        to = OutreachStatus.FAILED
        reason = reason or f"Not reached after {attempts} attempts"
    fields: dict[str, Any] = {"status": to, "attempts": attempts, "updated_at": now}
    if attempt:
        fields["last_attempt_at"] = now
    if to == OutreachStatus.REACHED:
        fields["outcome"] = outcome
        fields["reached_at"] = now
    if not OutreachTask.objects.filter(pk=task.pk, status=current).update(**fields):
        raise Conflict("Someone else recorded this customer at the same moment. Reload.")
    case = Case.objects.get(pk=task.case_id)
    record_case_event(
        case,
        kind=CaseEventKind.OUTREACH,
        by=by,
        before={"status": current},
        after={"status": to, "outcome": fields.get("outcome", ""), "attempts": attempts},
        reason=reason,
    )
    ended = to in (OutreachStatus.REACHED, OutreachStatus.FAILED)
    if ended and not keep_open and case.status in ACTIVE_STATUSES:
        label = OutreachOutcome(outcome).label if outcome else ""
        case_status.resolve_case(
            case=case,
            by=by,
            reason=f"Outreach: reached, {label.lower()}" if label else (reason or "Outreach ended"),
        )
    task.refresh_from_db()
    return task


def _check_outcome(outcome: str) -> None:
    if outcome not in OutreachOutcome.values:
        raise ActionError(
            "Say how it ended for the customer: rebooked, refunded, declined or other.",
            field="outcome",
        )


@transaction.atomic
def log_outreach_call(
    *,
    task: OutreachTask,
    by: Agent,
    call_outcome: str,
    outcome: str = "",
    notes: str = "",
    phone: str = "",
    duration_seconds: int = 0,
    expected: str | None = None,
    keep_open: bool = False,
) -> OutreachTask:
    """Log the call on the customer's case and the outreach result, in one step."""
    if call_outcome == CallOutcome.REACHED:
        _check_outcome(outcome)
    case_messages.log_call(
        case=task.case,
        by=by,
        direction=CallDirection.OUTBOUND,
        outcome=call_outcome,
        notes=notes,
        phone=phone,
        duration_seconds=duration_seconds,
    )
    if call_outcome == CallOutcome.REACHED:
        to, reason = OutreachStatus.REACHED, notes
    elif call_outcome == CallOutcome.WRONG_NUMBER:
        to, reason = OutreachStatus.FAILED, "Wrong number"
    else:
        to, reason = OutreachStatus.ATTEMPTED, CallOutcome(call_outcome).label
    return _advance(
        task,
        to=to,
        by=by,
        outcome=outcome,
        expected=expected,
        attempt=True,
        keep_open=keep_open,
        reason=reason,
    )


@transaction.atomic
def send_outreach_message(*, task: OutreachTask, text: str, by: Agent) -> Message:
    """The agent's own message, signed with their name: the draft is only where they start."""
    check_personal(text, template=draft_text(task, by), brand=task.case.brand, what="draft")
    if "[" in text and "]" in text and "[Say what" in text:
        raise ActionError(
            "Replace the [bracketed] part of the draft with what you can do.", field="text"
        )
    has_email = Identity.objects.filter(
        customer_id=task.customer_id,
        kind=IdentityKind.EMAIL,
        undeliverable_reason="",
        verified_at__isnull=False,  # mail goes to verified addresses only
    ).exists()
    if not has_email:
        raise ActionError(
            "There is no verified email address on file for this customer; call them instead."
        )
    message = case_messages.reply(case=task.case, text=text, by=by, channel=Channel.EMAIL)
    current = OutreachTask.objects.filter(pk=task.pk).values_list("status", flat=True).get()
    if current in (OutreachStatus.NOT_YET, OutreachStatus.ATTEMPTED, OutreachStatus.FAILED):
        _advance(task, to=OutreachStatus.ATTEMPTED, by=by, attempt=True, reason="Message sent")
    return message


@transaction.atomic
def record_outreach_result(
    *,
    task: OutreachTask,
    by: Agent,
    status: str,
    outcome: str = "",
    note: str = "",
    expected: str | None = None,
    keep_open: bool = False,
) -> OutreachTask:
    """Reached some other way (they wrote or called back), or given up on: with the reason."""
    if status not in (OutreachStatus.REACHED, OutreachStatus.FAILED):
        raise ActionError("Record the customer as reached or failed.", field="status")
    if status == OutreachStatus.REACHED:
        _check_outcome(outcome)
    elif not note.strip():
        raise ActionError("Say why this customer cannot be reached.", field="note")
    if note.strip():
        case_messages.add_note(case=task.case, text=note, by=by)
    return _advance(
        task,
        to=status,
        by=by,
        outcome=outcome,
        expected=expected,
        keep_open=keep_open,
        reason=note.strip(),
    )


def draft_text(task: OutreachTask, agent: Agent) -> str:
    """The incident's draft for this customer, as `agent` would start it."""
    customer = task.customer
    return rules.render_draft(
        task.incident.message_draft,
        {
            "name": customer.greeting_name,
            "full_name": customer.name,
            "agent": agent.display_name,
            "reference": task.reference or task.incident.title,
            "title": task.incident.title,
        },
    )
