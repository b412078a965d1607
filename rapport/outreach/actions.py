"""The only functions that change incidents and outreach tasks: atomic and audited.

Make-goods are changed in `make_goods.py`, CSV imports run in `imports.py`.
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

from rapport.cases import actions as case_actions
from rapport.cases.access import cases_for_agent
from rapport.cases.models import (
    ACTIVE_STATUSES,
    CallDirection,
    CallOutcome,
    Case,
    CaseEvent,
    Direction,
    Message,
    Notification,
    Priority,
    Status,
)
from rapport.cases.search import search_cases
from rapport.lib.errors import ActionError, Conflict
from rapport.outreach import rules
from rapport.outreach.assign import Assignment, Pool
from rapport.outreach.models import (
    OUTREACH_TRANSITIONS,
    Contact,
    Incident,
    IncidentEvent,
    IncidentStatus,
    OutreachOutcome,
    OutreachStatus,
    OutreachTask,
    Severity,
)
from rapport.people.models import Agent, Asset, Channel, Customer, Identity, IdentityKind, Team

AUDIENCE_CHUNK = 2000
TIER_PRIORITY = {1: Priority.URGENT, 2: Priority.HIGH, 3: Priority.NORMAL}


class NotAllowed(ActionError):
    """The person may not do this (a supervisor's decision)."""

    status_code = 403


def case_event(
    case_id: int,
    *,
    by: Agent | None,
    kind: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    CaseEvent.objects.create(
        case_id=case_id,
        actor=by,
        kind=kind,
        before=before or {},
        after=after or {},
        reason=reason[:500],
    )


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
    cases: list[Case] = []
    tasks: list[OutreachTask] = []
    assignments: list[Assignment] = []
    per_agent: defaultdict[int, list[int]] = defaultdict(lambda: [0, 0])
    for plan in plans:
        customer = customers[plan.affected.customer_id]
        chosen = pool.assign(owner_id=customer.owner_id, deputy_id=customer.deputy_id)
        assignments.append(chosen)
        per_agent[chosen.agent_id][0] += 1
        per_agent[chosen.agent_id][1] += plan.tier == 1
        cases.append(
            Case(
                customer=customer,
                subject=f"{incident.title} — personal outreach"[:300],
                status=Status.OPEN,
                priority=TIER_PRIORITY[plan.tier],
                owner_id=chosen.agent_id,
                team_id=incident.team_id or pool.first_team_id(chosen.agent_id),
                origin_channel=Channel.PHONE if plan.contact == Contact.PHONE else plan.channel,
                tags=sorted({"incident", incident.tag}),
                last_message_preview=f"Outreach: {incident.title}"[:200],
                pickup_at=now,
                created_at=now,
                updated_at=now,
            )
        )
    Case.objects.bulk_create(cases)
    for plan, case, chosen in zip(plans, cases, assignments, strict=True):
        tasks.append(
            OutreachTask(
                incident=incident,
                customer_id=case.customer_id,
                case=case,
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
        )
    OutreachTask.objects.bulk_create(tasks)
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            actor=by,
            kind="opened",
            after={
                "owner": task.owner_id,
                "incident": incident.pk,
                "outreach_task": task.pk,
                "rule": chosen.rule,
                "over_capacity": task.over_capacity,
            },
            reason=task.assignment_reason,
            created_at=now,
        )
        for chosen, case, task in zip(assignments, cases, tasks, strict=True)
    )
    Message.objects.bulk_create(
        Message(
            case=case,
            customer_id=case.customer_id,
            direction=Direction.NOTE,
            channel=Channel.SYSTEM,
            text=_briefing(incident, task),
            created_at=now,
        )
        for case, task in zip(cases, tasks, strict=True)
    )
    Notification.objects.bulk_create(
        Notification(
            agent_id=agent_id,
            kind="outreach",
            text=(
                f"{incident.title}: {count} customer{'s' if count != 1 else ''} to reach"
                + (f", {first} to call first" if first else "")
                + "."
            )[:500],
            created_at=now,
        )
        for agent_id, (count, first) in per_agent.items()
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
    from rapport.routing.service import loads_cache

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


def _briefing(incident: Incident, task: OutreachTask) -> str:
    how = "Call first" if task.tier == 1 else ("Call" if task.contact == Contact.PHONE else "Write")
    why = f" — {', '.join(task.reasons)}" if task.reasons else ""
    lines = [f"Incident outreach: {incident.title}.", f"{how}{why}."]
    if incident.description:
        lines.append(incident.description)
    if task.reference:
        lines.append(f"Reference: {task.reference}")
    lines.append(f"Outreach task: /outreach/tasks/{task.pk}/")
    return "\n".join(lines)


# --- working a task -------------------------------------------------------------------------


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
    case_event(
        task.case_id,
        by=by,
        kind="outreach",
        before={"status": current},
        after={"status": to, "outcome": fields.get("outcome", ""), "attempts": attempts},
        reason=reason,
    )
    case = Case.objects.get(pk=task.case_id)
    ended = to in (OutreachStatus.REACHED, OutreachStatus.FAILED)
    if ended and not keep_open and case.status in ACTIVE_STATUSES:
        label = OutreachOutcome(outcome).label if outcome else ""
        case_actions.resolve_case(
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
    case_actions.log_call(
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
    if " ".join(text.split()) == " ".join(draft_text(task, by).split()):
        raise ActionError(
            "Make it personal before sending: the draft is a starting point, not a form letter.",
            field="text",
        )
    if "[" in text and "]" in text and "[Say what" in text:
        raise ActionError(
            "Replace the [bracketed] part of the draft with what you can do.", field="text"
        )
    has_email = Identity.objects.filter(
        customer_id=task.customer_id, kind=IdentityKind.EMAIL, undeliverable_reason=""
    ).exists()
    if not has_email:
        raise ActionError("There is no email address on file for this customer; call them instead.")
    message = case_actions.reply(case=task.case, text=text, by=by, channel=Channel.EMAIL)
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
        case_actions.add_note(case=task.case, text=note, by=by)
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
