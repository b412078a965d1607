"""What the case and customer pages show: the labelled timeline and the side panel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import HttpRequest

from rapport.cases.models import Case, Priority, Status
from rapport.cases.selectors import TimelineEntry, customer_timeline, other_open_cases
from rapport.people.models import Agent, Customer, IdentityKind

TIMELINE_LIMIT = 100


@dataclass(frozen=True, slots=True)
class TimelineRow:
    entry: TimelineEntry
    case: Case | None
    current: bool
    summary: str = ""


def _label(choices: type[Status] | type[Priority], value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _event_summary(entry: TimelineEntry, agents: dict[int, Agent]) -> str:
    event = entry.event
    if event is None:
        return ""
    before, after = event.before or {}, event.after or {}

    def name(agent_id: Any) -> str:
        agent = agents.get(agent_id) if isinstance(agent_id, int) else None
        return agent.display_name if agent else "nobody"

    summaries = {
        "opened": (
            f"Split from case #{after['split_from']}" if after.get("split_from") else "Case opened"
        ),
        "status": (
            f"Status {_label(Status, before.get('status', ''))}"
            f" → {_label(Status, after.get('status', ''))}"
        ),
        "priority": (
            f"Priority {_label(Priority, before.get('priority', ''))}"
            f" → {_label(Priority, after.get('priority', ''))}"
        ),
        "assigned": f"Owner {name(before.get('owner'))} → {name(after.get('owner'))}",
        "merged": f"Case #{after.get('case')} merged into this case",
        "split": f"A message was split into case #{after.get('case')}",
    }
    return summaries.get(event.kind) or event.kind.replace("_", " ").capitalize()


def timeline_rows(
    customer: Customer,
    *,
    focus: Case | None,
    agents: dict[int, Agent],
    before: datetime | None = None,
) -> tuple[list[TimelineRow], datetime | None]:
    """The customer's timeline, each entry labelled with its case; and the cursor for older."""
    entries = customer_timeline(customer, limit=TIMELINE_LIMIT, before=before)
    case_ids = {entry.case_id for entry in entries}
    cases = {
        case.pk: case
        for case in Case.objects.filter(pk__in=case_ids).only("pk", "subject", "status")
    }
    if focus is not None:
        cases[focus.pk] = focus
    rows = [
        TimelineRow(
            entry=entry,
            case=cases.get(entry.case_id),
            current=focus is not None and entry.case_id == focus.pk,
            summary=_event_summary(entry, agents),
        )
        for entry in entries
    ]
    older = entries[-1].at if len(entries) >= TIMELINE_LIMIT else None
    return rows, older


def side_panel(customer: Customer, *, case: Case | None) -> dict[str, Any]:
    """Everything the side panel shows, each a single query."""
    identities = list(customer.identities.all())
    return {
        "customer": customer,
        "identities": identities,
        "primary_phone": next((i.value for i in identities if i.kind == IdentityKind.PHONE), ""),
        "notes": list(customer.rapport_notes.select_related("author")),
        "assets": list(customer.assets.all()),
        "other_open_cases": other_open_cases(customer, exclude=case.pk if case else None),
        "focus_case": case,
    }


def parse_before(request: HttpRequest) -> datetime | None:
    """The `before` cursor of the "older entries" link, if it is a valid aware datetime."""
    try:
        at = datetime.fromisoformat(request.GET.get("before", ""))
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def all_agents() -> dict[int, Agent]:
    return {agent.pk: agent for agent in Agent.objects.order_by("display_name")}
