"""The scheduler's care sweeps: tell owners of promises due in 30 minutes, remind them when one
comes due (and customers of their appointments), and escalate promises not kept in time.

Due work is found with indexed queries (`promise_remind_due`, `promise_miss_due`); each item is
claimed with a compare-and-set update inside its own transaction, so any number of workers can
sweep at once, none acts twice, and a restart loses nothing (the marks are in the database). A
promise whose reminder or escalation raises is rolled back alone and put off (`SweepItems`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from rapport.care.actions.appointments import appointment_reminder_text
from rapport.care.models import Promise, PromiseKind, PromiseStatus
from rapport.cases.actions.events import notify_agent, record_case_event
from rapport.cases.models import CaseEventKind, NotificationKind
from rapport.jobs.items import SweepItems
from rapport.mail.actions.outbox import queue_outbound_message
from rapport.people.models import Agent

BATCH = 500
# What a promise's owner is told when it comes due.
DUE: dict[str, NotificationKind] = {
    PromiseKind.FOLLOW_UP: NotificationKind.FOLLOW_UP_DUE,
    PromiseKind.CALLBACK: NotificationKind.CALLBACK_DUE,
    PromiseKind.REFERRAL: NotificationKind.REFERRAL_DUE,
    PromiseKind.APPOINTMENT: NotificationKind.APPOINTMENT_DUE,
}


def _local(promise: Promise) -> str:
    return f"{promise.due_at.astimezone(ZoneInfo(promise.timezone)):%H:%M} {promise.timezone}"


SOON = timedelta(minutes=30)


def warn_soon(*, now: datetime) -> dict[str, list[int]]:
    """Tell each owner of an open promise due within 30 minutes, once (`warned_at`)."""
    items = SweepItems("promise_warnings", now=now)
    due = items.due(
        Promise.objects.filter(status=PromiseStatus.OPEN, warned_at__isnull=True)
        .filter(due_at__lte=now + SOON, due_at__gt=now, owner__isnull=False)
        .order_by("due_at")
        .values_list("pk", flat=True),
        batch=BATCH,
    )
    warned: list[int] = []
    for pk in due:
        with items.attempt(pk):
            if _warn(pk, now=now):
                warned.append(pk)
    return {"warned": warned, "deferred": items.deferred}


@transaction.atomic
def _warn(pk: int, *, now: datetime) -> bool:
    claimed = Promise.objects.filter(
        pk=pk, status=PromiseStatus.OPEN, warned_at__isnull=True, due_at__gt=now
    ).update(warned_at=now)
    if not claimed:
        return False
    promise = Promise.objects.select_related("customer", "case", "owner").get(pk=pk)
    if promise.owner is None:
        return False
    minutes = max(1, round((promise.due_at - now).total_seconds() / 60))
    text = (
        f"{promise.get_kind_display()} with {promise.customer.name} due in {minutes} min "
        f"({_local(promise)}): {promise.purpose}"
    )
    notify_agent(
        agent=promise.owner,
        case=promise.case,
        kind=NotificationKind.PROMISE_SOON,
        text=text,
        at=now,
    )
    return True


def remind_due(*, now: datetime) -> dict[str, list[int]]:
    items = SweepItems("promise_reminders", now=now)
    due = items.due(
        Promise.objects.filter(status=PromiseStatus.OPEN, reminded_at__isnull=True)
        .filter(remind_at__lte=now)
        .order_by("remind_at")
        .values_list("pk", flat=True),
        batch=BATCH,
    )
    reminded: list[int] = []
    appointments: list[int] = []
    for pk in due:
        with items.attempt(pk):
            kind = _remind(pk, now=now)
            if kind == PromiseKind.APPOINTMENT:
                appointments.append(pk)
            elif kind:
                reminded.append(pk)
    return {"reminded": reminded, "appointments": appointments, "deferred": items.deferred}


@transaction.atomic
def _remind(pk: int, *, now: datetime) -> str:
    claimed = Promise.objects.filter(
        pk=pk, status=PromiseStatus.OPEN, reminded_at__isnull=True, remind_at__lte=now
    ).update(reminded_at=now)
    if not claimed:
        return ""
    promise = Promise.objects.select_related("customer", "case", "owner", "created_by").get(pk=pk)
    owner = promise.owner
    if promise.kind == PromiseKind.APPOINTMENT:
        appointment = promise.appointment
        # The worker writes it, not a person: signed by the desk, never by the booking agent.
        queue_outbound_message(
            case=promise.case, by=None, text=appointment_reminder_text(appointment, now=now)
        )
        when = f"{promise.due_at.astimezone(ZoneInfo(promise.timezone)):%a %-d %b %H:%M}"
        text = (
            f"Appointment: {promise.customer.name} with {appointment.with_name}, "
            f"{when} {promise.timezone}."
        )
    else:
        verb = "Call" if promise.channel == "phone" else "Contact"
        text = f"{verb} {promise.customer.name} now ({_local(promise)}): {promise.purpose}"
    if owner is not None:
        notify_agent(agent=owner, case=promise.case, kind=DUE[promise.kind], text=text, at=now)
    record_case_event(
        promise.case, by=None, kind=CaseEventKind.PROMISE_REMINDED, after={"promise": pk}
    )
    return promise.kind


def escalate_missed(*, now: datetime) -> dict[str, list[int]]:
    items = SweepItems("promise_escalation", now=now)
    ids = items.due(
        Promise.objects.filter(status=PromiseStatus.OPEN, miss_at__lte=now)
        .order_by("miss_at")
        .values_list("pk", flat=True),
        batch=BATCH,
    )
    missed: list[int] = []
    supervisors = (
        list(Agent.objects.filter(is_supervisor=True, user__is_active=True)) if ids else []
    )
    for pk in ids:
        with items.attempt(pk):
            if _escalate(pk, now=now, supervisors=supervisors):
                missed.append(pk)
    return {"missed": missed, "deferred": items.deferred}


@transaction.atomic
def _escalate(pk: int, *, now: datetime, supervisors: list[Agent]) -> bool:
    claimed = Promise.objects.filter(pk=pk, status=PromiseStatus.OPEN, miss_at__lte=now).update(
        status=PromiseStatus.MISSED, escalated_at=now, updated_at=now
    )
    if not claimed:
        return False
    promise = Promise.objects.select_related("customer__deputy", "case", "owner").get(pk=pk)
    owner, deputy = promise.owner, promise.customer.deputy
    whose = f"{owner.display_name}'s" if owner else "An unowned"
    what = f"{whose} {promise.get_kind_display().lower()} for {promise.customer.name}"
    text = f"{what} was due {_local(promise)} and has not been kept: {promise.purpose}"
    told: set[int] = set()
    if owner is not None:
        notify_agent(
            agent=owner, case=promise.case, kind=NotificationKind.PROMISE_MISSED, text=text, at=now
        )
        told.add(owner.pk)
    if deputy is not None and deputy.pk not in told:
        notify_agent(
            agent=deputy,
            case=promise.case,
            kind=NotificationKind.PROMISE_MISSED,
            at=now,
            text=f"{text}. As {promise.customer.greeting_name}'s deputy, can you take it?",
        )
        told.add(deputy.pk)
    for supervisor in supervisors:
        if supervisor.pk not in told:
            notify_agent(
                agent=supervisor,
                case=promise.case,
                kind=NotificationKind.PROMISE_MISSED,
                text=text,
                at=now,
            )
    record_case_event(
        promise.case,
        by=None,
        kind=CaseEventKind.PROMISE_MISSED,
        before={"status": PromiseStatus.OPEN},
        after={"promise": pk, "deputy": deputy.pk if deputy else None},
        reason=promise.purpose,
    )
    return True
