"""Service-level deadlines stored on the case, so the inbox sorts and filters by an index.

Each function returns the fields to update, and the action that caused the change writes them
in its own transaction, so a deadline never drifts from the event that set it: opening a case and
a customer's message (rapport/routing/actions/opening.py) call them directly; the core's replies,
calls, status and priority changes reach them through the hooks routing subscribes to
(rapport/cases/hooks.py, in rapport/routing/apps.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from rapport.cases.hooks import HumanResponse, PriorityChange, StatusChange
from rapport.cases.models import (
    ACTIVE_STATUSES,
    Case,
    Direction,
    Message,
    Status,
    first_response,
)
from rapport.lib.hours import BusinessCalendar
from rapport.routing import sla
from rapport.routing.models import SlaPolicy
from rapport.routing.service import site_calendar
from rapport.routing.snapshot import remembered


def _policies() -> list[sla.Policy]:
    return remembered("sla_policies", _load_policies)


def _load_policies() -> list[sla.Policy]:
    return [
        sla.Policy(
            priority=row.priority,
            channel=row.channel,
            first_response=timedelta(minutes=row.first_response_minutes),
            next_response=timedelta(minutes=row.next_response_minutes),
            resolution=timedelta(minutes=row.resolution_minutes),
            business_hours=row.business_hours,
        )
        for row in SlaPolicy.objects.all()
    ]


def policy_for(case: Case) -> sla.Policy:
    return sla.pick_policy(_policies(), priority=case.priority, channel=case.origin_channel)


def is_tight(case: Case) -> bool:
    """Upset or urgent customers get tighter deadlines."""
    return bool(case.triage.get("upset") or case.triage.get("urgent"))


def _calendar(case: Case) -> BusinessCalendar:
    owner = case.owner
    return site_calendar(owner.site if owner is not None else None)


def on_open(case: Case, *, now: datetime) -> dict[str, Any]:
    policy = policy_for(case)
    due = sla.deadlines(policy, received_at=now, calendar=_calendar(case), tight=is_tight(case))
    return {
        "first_response_due_at": due.first_response_due_at,
        "next_response_due_at": due.first_response_due_at,
        "resolution_due_at": due.resolution_due_at,
        "sla_warned_at": None,
        "sla_breached_at": None,
    }


def on_customer_message(case: Case, *, now: datetime) -> dict[str, Any]:
    """The customer wrote: the clock runs again and the next answer falls due."""
    policy, calendar = policy_for(case), _calendar(case)
    fields: dict[str, Any] = {"sla_paused_at": None, "sla_warned_at": None, "sla_breached_at": None}
    if case.sla_paused_at is not None and case.resolution_due_at is not None:
        paused = calendar.working_time_between(case.sla_paused_at, now)
        fields["resolution_due_at"] = case.resolution_due_at + paused
    if case.first_response_at is None:
        return fields  # the first-response deadline still stands
    fields["next_response_due_at"] = sla.next_response_due(
        policy, customer_wrote_at=now, calendar=calendar, tight=is_tight(case)
    )
    return fields


def on_human_response(event: HumanResponse) -> dict[str, Any]:
    """A person answered: nothing is due from us until the customer writes again."""
    case, now = event.case, event.at
    fields: dict[str, Any] = {
        "next_response_due_at": None,
        "sla_warned_at": None,
        "sla_breached_at": None,
    }
    if case.first_response_at is None:
        fields.update(first_response(case, now))
    if event.waiting_on_customer and case.sla_paused_at is None:
        fields["sla_paused_at"] = now
    return fields


def on_status_change(event: StatusChange) -> dict[str, Any]:
    case, to, now = event.case, event.to, event.at
    if to == Status.WAITING_CUSTOMER:
        return {"sla_paused_at": case.sla_paused_at or now, "next_response_due_at": None}
    if to not in ACTIVE_STATUSES:
        return {"next_response_due_at": None, "sla_paused_at": None}
    if case.status == Status.WAITING_CUSTOMER and to in (Status.OPEN, Status.WAITING_US):
        resumed = on_customer_message(case, now=now)
        resumed.pop("next_response_due_at", None)
        return resumed
    return {}


def on_priority_change(event: PriorityChange) -> dict[str, Any]:
    """The policy is per priority: a pending response deadline is counted again under the new
    priority's policy from the moment its clock started (the case opened, or the customer's last
    message). An answered deadline stays answered. A later deadline is a fresh one (it may warn
    and breach again); an earlier one keeps the escalation steps already taken."""
    case = event.case
    if case.status not in ACTIVE_STATUSES or case.next_response_due_at is None:
        return {}
    policy = sla.pick_policy(_policies(), priority=event.to, channel=case.origin_channel)
    calendar, tight = _calendar(case), is_tight(case)
    fields: dict[str, Any] = {}
    if case.first_response_at is None:
        due = sla.deadlines(policy, received_at=case.created_at, calendar=calendar, tight=tight)
        fields["first_response_due_at"] = fields["next_response_due_at"] = due.first_response_due_at
    else:
        wrote = (
            Message.objects.filter(case=case, direction=Direction.INBOUND)
            .order_by("-created_at", "-pk")
            .values_list("created_at", flat=True)
            .first()
        )
        if wrote is None:
            return {}
        fields["next_response_due_at"] = sla.next_response_due(
            policy, customer_wrote_at=wrote, calendar=calendar, tight=tight
        )
    if fields["next_response_due_at"] > case.next_response_due_at:
        fields.update(sla_warned_at=None, sla_breached_at=None)
    return fields
