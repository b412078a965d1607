"""Working an outreach task: the calls, the messages and the result (atomic and audited).

Incidents, audiences and the tasks themselves are made in `actions.py`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.cases.actions import messages as case_messages
from rapport.cases.actions import status as case_status
from rapport.cases.actions.events import record_case_event
from rapport.cases.models import (
    ACTIVE_STATUSES,
    CallDirection,
    CallOutcome,
    Case,
    CaseEventKind,
    Message,
)
from rapport.lib.errors import ActionError, Conflict
from rapport.outreach import rules
from rapport.outreach.models import (
    OUTREACH_TRANSITIONS,
    OutreachOutcome,
    OutreachStatus,
    OutreachTask,
)
from rapport.people.models import Agent, Channel, Identity, IdentityKind


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
