"""A case's status and priority: compare-and-set along the transition table."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.cases.actions.events import record_case_event
from rapport.cases.hooks import (
    CaseResolved,
    PriorityChange,
    StatusChange,
    on_case_resolved,
    on_priority_change,
    on_status_change,
)
from rapport.cases.models import (
    TRANSITIONS,
    Case,
    CaseEventKind,
    Priority,
    Status,
)
from rapport.lib.errors import ActionError, Conflict
from rapport.people.models import Agent


@transaction.atomic
def change_status(
    *,
    case: Case,
    to: str,
    by: Agent | None,
    reason: str = "",
    expected: str | None = None,
) -> Case:
    """Compare-and-set: a change made on a stale page is refused rather than lost."""
    if to not in Status.values:
        raise ActionError(f"{to!r} is not a status.", field="status")
    current = Case.objects.filter(pk=case.pk).values_list("status", flat=True).get()
    if expected is not None and expected != current:
        raise Conflict(
            f"The case is now {Status(current).label.lower()}, not {Status(expected).label.lower()}"
            " — someone else changed it. Reload and try again."
        )
    if to == current:
        return case
    if to not in TRANSITIONS[current]:
        raise ActionError(
            f"A {Status(current).label.lower()} case cannot become {Status(to).label.lower()}.",
            field="status",
        )
    now = timezone.now()
    fields: dict[str, Any] = {"status": to, "updated_at": now}
    if to == Status.RESOLVED:
        fields["resolved_at"] = now
    elif current in (Status.RESOLVED,) and to == Status.OPEN:
        fields["resolved_at"] = None
    fresh = Case.objects.select_related("owner__site").get(pk=case.pk)
    fields.update(on_status_change.fields(StatusChange(case=fresh, to=to, at=now)))
    if not Case.objects.filter(pk=case.pk, status=current).update(**fields):
        raise Conflict("Someone else changed this case at the same moment. Reload and try again.")
    before: dict[str, Any] = {"status": current}
    if "resolved_at" in fields and fresh.resolved_at is not None:
        # When it was resolved before (reopened, or resolved again after the customer wrote):
        # the insights kept for that day count it there (`insights/personal_touch.py`).
        before["resolved_at"] = fresh.resolved_at.astimezone(UTC).isoformat(sep=" ")
    record_case_event(
        case,
        by=by,
        kind=CaseEventKind.STATUS,
        before=before,
        after={"status": to},
        reason=reason,
    )
    if to == Status.RESOLVED:
        # Close the loop: features react in this same transaction (care's follow-up policies
        # schedule the next-day call; a refused resolution schedules nothing).
        on_case_resolved.send(CaseResolved(case_id=case.pk, by=by))
    case.refresh_from_db()
    return case


def resolve_case(*, case: Case, by: Agent | None, reason: str = "") -> Case:
    return change_status(case=case, to=Status.RESOLVED, by=by, reason=reason)


@transaction.atomic
def change_priority(*, case: Case, to: str, by: Agent | None, reason: str = "") -> Case:
    if to not in Priority.values:
        raise ActionError(f"{to!r} is not a priority.", field="priority")
    case = (
        Case.objects.select_for_update(of=("self",)).select_related("owner__site").get(pk=case.pk)
    )
    if case.priority == to:
        return case
    before, now = case.priority, timezone.now()
    # The deadlines follow the new priority's policy (routing answers with them).
    fields = on_priority_change.fields(PriorityChange(case=case, to=to, at=now))
    # A person's judgement wins over triage from now on; the audit row keeps the reason.
    fields.update(priority=to, updated_at=now, priority_overridden=by is not None)
    for name, value in fields.items():
        setattr(case, name, value)
    case.save(update_fields=list(fields))
    record_case_event(
        case,
        by=by,
        kind=CaseEventKind.PRIORITY,
        before={"priority": before},
        after={"priority": to},
        reason=reason,
    )
    return case
