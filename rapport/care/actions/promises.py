"""Promises: creating one, follow-up calls (and the policies that schedule them when a case is
resolved), outcomes, rescheduling and cancelling. Every function is atomic, writes the case
event and queues its side effects."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from rapport.care.models import (
    PROMISE_TRANSITIONS,
    FollowUpPolicy,
    Outcome,
    Promise,
    PromiseKind,
    PromiseStatus,
)
from rapport.care.windows import local_day_at
from rapport.cases.actions.events import record_case_event
from rapport.cases.actions.messages import log_call
from rapport.cases.actions.status import change_status
from rapport.cases.hooks import CaseResolved
from rapport.cases.models import CallDirection, CallOutcome, Case, CaseEventKind, Priority, Status
from rapport.lib.errors import ActionError, Conflict, Forbidden
from rapport.people.actions.audit import changes, record_desk_change
from rapport.people.models import Agent, Channel, Customer, Team
from rapport.routing.actions.opening import open_case

# When an unkept promise counts as missed, after its due time (a callback: its window's end).
GRACE: dict[str, timedelta] = {
    PromiseKind.FOLLOW_UP: timedelta(hours=2),
    PromiseKind.CALLBACK: timedelta(minutes=15),
    PromiseKind.REFERRAL: timedelta(0),  # due_at is already the acknowledge-by deadline
    PromiseKind.APPOINTMENT: timedelta(days=1),  # time to record whether they came
}


# Kept later than this after its due time (or window end) counts as kept late.
LATE_AFTER = timedelta(minutes=15)


FOLLOW_UP_CLOCK = time(10, 0)
MAX_POLICY_DAYS = 60
MAX_POLICY_SCRIPT = 2000


MAX_PURPOSE = 300


CALL_OUTCOME = {
    Outcome.REACHED_FINE: CallOutcome.REACHED,
    Outcome.REACHED_NEEDS_HELP: CallOutcome.REACHED,
    Outcome.VOICEMAIL: CallOutcome.VOICEMAIL,
    Outcome.NO_ANSWER: CallOutcome.NO_ANSWER,
}


def miss_at_for(kind: str, *, due_at: datetime, window_end: datetime | None = None) -> datetime:
    return (window_end or due_at) + GRACE[kind]


def require_aware(value: datetime, field: str) -> None:
    if timezone.is_naive(value):
        raise ActionError("Give the time with its time zone.", field=field)


def clean_purpose(purpose: str) -> str:
    text = " ".join(purpose.split())
    if not text:
        raise ActionError("Say what the promise is for.", field="purpose")
    if len(text) > MAX_PURPOSE:
        raise ActionError(f"Keep the purpose under {MAX_PURPOSE} characters.", field="purpose")
    return text


def create_promise(
    *,
    kind: str,
    case: Case,
    owner: Agent | None,
    due_at: datetime,
    purpose: str,
    by: Agent | None,
    script: str = "",
    channel: str = Channel.PHONE,
    timezone_name: str | None = None,
    window_end: datetime | None = None,
    remind_at: datetime | None = None,
    policy: FollowUpPolicy | None = None,
    after: Promise | None = None,
    now: datetime | None = None,
) -> Promise:
    """The one place a promise row is written (callers hold the transaction)."""
    if channel not in Channel.values:
        raise ActionError(f"{channel!r} is not a channel.", field="channel")
    require_aware(due_at, "due_at")
    at = now or timezone.now()
    return Promise.objects.create(
        kind=kind,
        customer_id=case.customer_id,
        case=case,
        owner=owner,
        due_at=due_at,
        window_end=window_end,
        timezone=timezone_name or case.customer.timezone,
        channel=channel,
        purpose=clean_purpose(purpose),
        script=script.strip()[:2000],
        remind_at=remind_at,
        miss_at=miss_at_for(kind, due_at=due_at, window_end=window_end),
        policy=policy,
        after=after,
        created_by=by,
        created_at=at,
        updated_at=at,
    )


# ---------------------------------------------------------------------------- follow-ups


@transaction.atomic
def schedule_follow_up(
    *,
    case: Case,
    by: Agent | None,
    due_at: datetime,
    purpose: str,
    script: str = "",
    owner: Agent | None = None,
    channel: str = Channel.PHONE,
    policy: FollowUpPolicy | None = None,
    after: Promise | None = None,
    now: datetime | None = None,
) -> Promise:
    """A follow-up owned by the person who handled the case (`by`) unless `owner` is given."""
    at = now or timezone.now()
    require_aware(due_at, "due_at")
    if due_at < at - timedelta(minutes=1):
        raise ActionError("A follow-up is due in the future.", field="due_at")
    who = owner or by or case.owner
    promise = create_promise(
        kind=PromiseKind.FOLLOW_UP,
        case=case,
        owner=who,
        due_at=due_at,
        purpose=purpose,
        script=script,
        channel=channel,
        remind_at=due_at,
        policy=policy,
        after=after,
        by=by,
        now=at,
    )
    record_case_event(
        case,
        by=by,
        kind=CaseEventKind.FOLLOW_UP_SCHEDULED,
        after={
            "promise": promise.pk,
            "owner": who.pk if who else None,
            "due_at": due_at.isoformat(),
            "policy": policy.pk if policy else None,
        },
        reason=promise.purpose,
    )
    return promise


def tomorrow_at(
    case: Case, *, now: datetime, clock: time = FOLLOW_UP_CLOCK, days: int = 1
) -> datetime:
    """The next day at 10:00 in the customer's own time zone."""
    return local_day_at(now, timezone=case.customer.timezone, days=days, clock=clock)


def follow_up_tomorrow(
    *, case: Case, by: Agent, purpose: str = "", now: datetime | None = None
) -> Promise:
    """The one-click follow-up: a call tomorrow at 10:00 the customer's time, owned by `by`."""
    at = now or timezone.now()
    return schedule_follow_up(
        case=case,
        by=by,
        due_at=tomorrow_at(case, now=at),
        purpose=purpose or f"Check how things are going after “{case.subject}”",
        now=at,
    )


def schedule_policy_follow_up(resolved: CaseResolved) -> Promise | None:
    """Subscribed to `cases.hooks.on_case_resolved` (CareConfig.ready), so it runs inside
    `change_status`'s transaction: the first matching follow-up policy schedules the call, owned
    by the person who resolved the case."""
    by = resolved.by
    case = Case.objects.select_related("customer", "owner").get(pk=resolved.case_id)
    policy = next((p for p in FollowUpPolicy.objects.filter(active=True) if p.matches(case)), None)
    if policy is None:
        return None
    already = Promise.objects.filter(
        case=case, kind=PromiseKind.FOLLOW_UP, policy=policy, status=PromiseStatus.OPEN
    ).exists()
    if already:  # resolved, reopened and resolved again: one call is enough
        return None
    now = timezone.now()
    return schedule_follow_up(
        case=case,
        by=by,
        owner=by or case.owner,
        due_at=tomorrow_at(case, now=now, clock=policy.at_time, days=policy.delay_days),
        purpose=policy.purpose,
        script=policy.script,
        channel=policy.channel,
        policy=policy,
        now=now,
    )


# ---------------------------------------------------------------------------- callbacks


def _transition(promise: Promise, *, current: str, to: str) -> None:
    if to not in PROMISE_TRANSITIONS[current]:
        raise ActionError(
            f"A {PromiseStatus(current).label.lower()} promise cannot become "
            f"{PromiseStatus(to).label.lower()}.",
            field="status",
        )


def _claim(promise: Promise, *, current: Promise, **fields: Any) -> None:
    """Compare-and-set on what the caller saw, so two people recording at once never both win."""
    updated = Promise.objects.filter(
        pk=promise.pk, status=current.status, due_at=current.due_at
    ).update(**fields)
    if not updated:
        raise Conflict(
            "Someone else updated this promise at the same moment. Reload and try again."
        )


def _needs_help(promise: Promise, *, by: Agent, notes: str) -> Case:
    """Reached, needs more help: the case opens again, or a new one if it was closed."""
    case = Case.objects.get(pk=promise.case_id)
    if case.status == Status.CLOSED:
        return open_case(
            customer=Customer.objects.get(pk=promise.customer_id),
            subject=f"Follow-up: {case.subject}",
            channel=Channel.PHONE,
            text=notes or promise.purpose,
            by=by,
            owner=by,
            team=case.team,
            priority=case.priority,
        )
    if case.status == Status.RESOLVED:
        return change_status(case=case, to=Status.OPEN, by=by, reason="Follow-up: needs more help")
    return case


@transaction.atomic
def record_outcome(
    *,
    promise: Promise,
    by: Agent,
    outcome: str,
    notes: str = "",
    reschedule_to: datetime | None = None,
    now: datetime | None = None,
) -> Promise:
    """What happened when we called. No answer reschedules (the next day, same local time,
    unless `reschedule_to`); every other outcome keeps the promise."""
    if outcome not in Outcome.values:
        raise ActionError(f"{outcome!r} is not an outcome.", field="outcome")
    at = now or timezone.now()
    current = Promise.objects.get(pk=promise.pk)
    attempts = current.attempts + 1
    if outcome == Outcome.NO_ANSWER:
        return _reschedule(current, by=by, to=reschedule_to, now=at, notes=notes, attempts=attempts)
    _transition(current, current=current.status, to=PromiseStatus.KEPT)
    late = at > (current.window_end or current.due_at) + LATE_AFTER
    _claim(
        promise,
        current=current,
        status=PromiseStatus.KEPT,
        outcome=outcome,
        outcome_notes=notes.strip(),
        attempts=attempts,
        kept_at=at,
        late=late,
        updated_at=at,
    )
    case = Case.objects.get(pk=current.case_id)
    record_case_event(
        case,
        by=by,
        kind=CaseEventKind.PROMISE_KEPT,
        before={"status": current.status},
        after={"promise": current.pk, "outcome": outcome, "late": late},
        reason=notes,
    )
    if outcome == Outcome.REACHED_NEEDS_HELP:
        _needs_help(current, by=by, notes=notes)
    current.refresh_from_db()
    return current


def _reschedule(
    current: Promise,
    *,
    by: Agent,
    to: datetime | None,
    now: datetime,
    notes: str = "",
    attempts: int | None = None,
) -> Promise:
    if current.status not in (PromiseStatus.OPEN, PromiseStatus.MISSED):
        raise ActionError(f"A {current.get_status_display().lower()} promise is final.")
    if to is None:
        # Same wall-clock time the next day, in the promise's own time zone.
        to = local_day_at(
            max(now, current.due_at),
            timezone=current.timezone,
            days=1,
            clock=current.due_at.astimezone(ZoneInfo(current.timezone)).time(),
        )
    require_aware(to, "reschedule_to")
    if to <= now:
        raise ActionError("Reschedule to a time that has not passed.", field="reschedule_to")
    width = (current.window_end - current.due_at) if current.window_end else None
    window_end = to + width if width is not None else None
    _claim(
        current,
        current=current,
        status=PromiseStatus.OPEN,
        due_at=to,
        window_end=window_end,
        remind_at=to,
        reminded_at=None,
        warned_at=None,
        miss_at=miss_at_for(current.kind, due_at=to, window_end=window_end),
        escalated_at=None,
        attempts=attempts if attempts is not None else current.attempts,
        outcome_notes=notes.strip() or current.outcome_notes,
        updated_at=now,
    )
    record_case_event(
        Case.objects.get(pk=current.case_id),
        by=by,
        kind=CaseEventKind.PROMISE_RESCHEDULED,
        before={"due_at": current.due_at.isoformat(), "status": current.status},
        after={"promise": current.pk, "due_at": to.isoformat()},
        reason=notes,
    )
    current.refresh_from_db()
    return current


@transaction.atomic
def reschedule_promise(
    *, promise: Promise, by: Agent, to: datetime, reason: str = "", now: datetime | None = None
) -> Promise:
    current = Promise.objects.get(pk=promise.pk)
    return _reschedule(current, by=by, to=to, now=now or timezone.now(), notes=reason)


@transaction.atomic
def log_promise_call(
    *,
    promise: Promise,
    by: Agent,
    outcome: str,
    notes: str = "",
    phone: str = "",
    duration_seconds: int = 0,
    reschedule_to: datetime | None = None,
) -> Promise:
    """The "calls due today" step: the call goes on the timeline and the promise is kept or
    rescheduled, in one transaction."""
    if outcome not in Outcome.values:
        raise ActionError(f"{outcome!r} is not an outcome.", field="outcome")
    log_call(
        case=Case.objects.get(pk=promise.case_id),
        by=by,
        direction=CallDirection.OUTBOUND,
        outcome=CALL_OUTCOME[Outcome(outcome)],
        notes=notes,
        phone=phone,
        duration_seconds=duration_seconds,
    )
    return record_outcome(
        promise=promise, by=by, outcome=outcome, notes=notes, reschedule_to=reschedule_to
    )


@transaction.atomic
def cancel_promise(*, promise: Promise, by: Agent, reason: str) -> Promise:
    """Only with a reason: a promise is never silently dropped."""
    if not reason.strip():
        raise ActionError("Say why the promise is cancelled.", field="reason")
    current = Promise.objects.get(pk=promise.pk)
    _transition(current, current=current.status, to=PromiseStatus.CANCELLED)
    now = timezone.now()
    _claim(promise, current=current, status=PromiseStatus.CANCELLED, updated_at=now)
    record_case_event(
        Case.objects.get(pk=current.case_id),
        by=by,
        kind=CaseEventKind.PROMISE_CANCELLED,
        before={"status": current.status},
        after={"promise": current.pk},
        reason=reason,
    )
    current.refresh_from_db()
    return current


# ---------------------------------------------------------------------------- policies


def _policy_fields(
    *,
    name: str,
    purpose: str,
    script: str,
    tags: Iterable[str],
    team: Team | None,
    priority: str,
    triage_signal: str,
    delay_days: int,
    at_time: time,
    channel: str,
    policy: FollowUpPolicy | None,
) -> dict[str, Any]:
    """A follow-up policy's fields, checked; `policy` is the one being edited."""
    name = " ".join(name.split())
    if not name:
        raise ActionError("A policy needs a name.", field="name")
    others = FollowUpPolicy.objects.all()
    if policy is not None:
        others = others.exclude(pk=policy.pk)
    if others.filter(name=name).exists():
        raise ActionError(f"There is already a policy called {name!r}.", field="name")
    if priority and priority not in Priority.values:
        raise ActionError(f"{priority!r} is not a priority.", field="priority")
    if triage_signal not in FollowUpPolicy.Signal.values:
        raise ActionError(f"{triage_signal!r} is not a triage signal.", field="triage_signal")
    if not 0 <= delay_days <= MAX_POLICY_DAYS:
        raise ActionError(
            f"Call between the same day and {MAX_POLICY_DAYS} days later.", field="delay_days"
        )
    if channel not in Channel.values:
        raise ActionError(f"{channel!r} is not a channel.", field="channel")
    if len(script) > MAX_POLICY_SCRIPT:
        raise ActionError(f"Keep the script under {MAX_POLICY_SCRIPT} characters.", field="script")
    return {
        "name": name,
        "purpose": clean_purpose(purpose),
        "script": script.strip(),
        "tags": sorted({t.strip().lower() for t in tags if t.strip()}),
        "team": team,
        "priority": priority,
        "triage_signal": triage_signal,
        "delay_days": delay_days,
        "at_time": at_time,
        "channel": channel,
    }


def _may_set_policies(by: Agent | None) -> None:
    if by is not None and not by.is_supervisor:
        raise Forbidden("Only a supervisor can set follow-up policies.")


@transaction.atomic
def create_follow_up_policy(
    *,
    name: str,
    purpose: str,
    script: str = "",
    tags: Iterable[str] = (),
    team: Team | None = None,
    priority: str = "",
    triage_signal: str = "",
    delay_days: int = 1,
    at_time: time = FOLLOW_UP_CLOCK,
    channel: str = Channel.PHONE,
    order: int = 100,
    active: bool = True,
    by: Agent | None = None,
) -> FollowUpPolicy:
    """ "Clinic visit: call the next day at 10:00 their time" — applied when a case is resolved
    (`by` None: the operator at the command line)."""
    _may_set_policies(by)
    fields = _policy_fields(
        name=name,
        purpose=purpose,
        script=script,
        tags=tags,
        team=team,
        priority=priority,
        triage_signal=triage_signal,
        delay_days=delay_days,
        at_time=at_time,
        channel=channel,
        policy=None,
    )
    policy = FollowUpPolicy.objects.create(order=order, active=active, **fields)
    record_desk_change(by=by, what=f"Follow-up policy {policy.name} added: {policy.purpose}")
    return policy


@transaction.atomic
def update_follow_up_policy(
    policy: FollowUpPolicy,
    *,
    name: str,
    purpose: str,
    script: str,
    tags: Iterable[str],
    team: Team | None,
    priority: str,
    triage_signal: str,
    delay_days: int,
    at_time: time,
    channel: str,
    active: bool,
    by: Agent | None,
) -> FollowUpPolicy:
    """Change what a policy matches and the call it schedules, or switch it off (`active`):
    cases resolved from now on follow it; follow-ups already scheduled stay as they are."""
    _may_set_policies(by)
    fields = _policy_fields(
        name=name,
        purpose=purpose,
        script=script,
        tags=tags,
        team=team,
        priority=priority,
        triage_signal=triage_signal,
        delay_days=delay_days,
        at_time=at_time,
        channel=channel,
        policy=policy,
    )
    fields["active"] = active
    before = {attr: getattr(policy, attr) for attr in fields}
    for attr, value in fields.items():
        setattr(policy, attr, value)
    policy.save(update_fields=list(fields))
    record_desk_change(by=by, what=f"Follow-up policy {policy.name}: {changes(before, fields)}")
    return policy
