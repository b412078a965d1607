"""Appointments: booked with a specialist for a referral, with a calendar invitation; the
appointment itself is the promise."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rapport.care import ics
from rapport.care.actions.promises import create_promise, schedule_follow_up
from rapport.care.actions.referrals import say_when
from rapport.care.models import Appointment, PromiseKind, Referral
from rapport.care.windows import local_day_at
from rapport.cases.actions.events import notify_agent, record_case_event
from rapport.cases.attachments import Upload
from rapport.cases.models import Case, CaseEventKind, NotificationKind
from rapport.cases.rules import check_works_for
from rapport.lib.errors import ActionError
from rapport.lib.wallclock import zone_named
from rapport.mail.actions.outbox import queue_outbound_message
from rapport.mail.outbound import recipient_for
from rapport.people.models import Agent

APPOINTMENT_REMINDERS = (timedelta(hours=24), timedelta(hours=2))


def _zone(name: str) -> str:
    zone_named(name)
    return name


@transaction.atomic
def book_appointment(
    *,
    case: Case,
    by: Agent,
    starts_at: datetime,
    duration: timedelta = timedelta(minutes=30),
    location: str,
    with_agent: Agent | None = None,
    with_name: str = "",
    timezone_name: str = "",
    referral: Referral | None = None,
    purpose: str = "",
    follow_up: bool = True,
    note: str = "",
    now: datetime | None = None,
) -> Appointment:
    """Booked during the conversation: the invitation (.ics, stored with its message so every
    attempt sends the same bytes) is emailed on commit, a reminder goes out the day before, and
    a follow-up call the day after is already on the list.

    The invitation carries the appointment's facts. With the agent's own `note` above them it
    is their message, signed with their name; without one it is the desk's confirmation, never
    signed as if the agent had written it."""
    at = now or timezone.now()
    if timezone.is_naive(starts_at):
        raise ActionError("Give the time with its time zone.", field="starts_at")
    if starts_at <= at:
        raise ActionError("An appointment is in the future.", field="starts_at")
    if not timedelta(minutes=5) <= duration <= timedelta(hours=12):
        raise ActionError("An appointment lasts between 5 minutes and 12 hours.", field="duration")
    if not location.strip():
        raise ActionError("Say where the appointment is.", field="location")
    check_works_for(case.brand, owner=with_agent, owner_field="with_agent")
    name = with_agent.display_name if with_agent else with_name.strip()
    if not name and referral is not None:
        name = referral.specialist_name
    if not name:
        raise ActionError("Say who the appointment is with.", field="with_name")
    zone = _zone(timezone_name or (with_agent.timezone if with_agent else case.customer.timezone))
    # The day before; booked later than that, a couple of hours before.
    remind = next((r for r in (starts_at - d for d in APPOINTMENT_REMINDERS) if r > at), None)
    promise = create_promise(
        kind=PromiseKind.APPOINTMENT,
        case=case,
        owner=with_agent or by,
        due_at=starts_at,
        purpose=purpose or f"Appointment with {name}",
        channel="web",
        timezone_name=zone,
        remind_at=remind,
        by=by,
        now=at,
    )
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">") or "rapport.localhost"
    appointment = Appointment.objects.create(
        promise=promise,
        with_agent=with_agent,
        with_name=name[:200],
        location=location.strip()[:300],
        ends_at=starts_at + duration,
        referral=referral,
        uid=f"{uuid.uuid4()}@{domain}",
    )
    when = say_when(starts_at, timezone_name=zone, now=at)
    local = starts_at.astimezone(ZoneInfo(zone))
    details = (
        f"Your appointment with {name} is {when}"
        f" ({local:%A %-d %B %Y, %H:%M} {zone}) at {appointment.location}. The calendar"
        " invitation is attached. If the time doesn't work, reply and we'll find another."
    )
    written = note.strip()
    text = (
        f"{written}\n\n{details}"
        if written
        else f"Hello {case.customer.greeting_name},\n\n{details}"
    )
    author = by if written else None
    invite = queue_outbound_message(
        case=case,
        by=author,
        text=text,
        subject=f"Appointment with {name}",
        attachments=[_invitation(appointment, author=author, stamp=at)],
    )
    Appointment.objects.filter(pk=appointment.pk).update(invite=invite)
    appointment.invite = invite
    record_case_event(
        case,
        by=by,
        kind=CaseEventKind.APPOINTMENT_BOOKED,
        after={
            "appointment": appointment.pk,
            "promise": promise.pk,
            "with": name,
            "starts_at": starts_at.isoformat(),
            "timezone": zone,
        },
    )
    if with_agent is not None and with_agent.pk != by.pk:
        notify_agent(
            agent=with_agent,
            case=case,
            kind=NotificationKind.APPOINTMENT_BOOKED,
            at=at,
            text=f"{by.display_name} booked {case.customer.name} with you {when} ({zone}).",
        )
    if follow_up:
        schedule_follow_up(
            case=case,
            by=by,
            due_at=local_day_at(
                appointment.ends_at, timezone=case.customer.timezone, days=1, clock=time(10)
            ),
            purpose=f"How did the appointment with {name} go?",
            after=promise,
            now=at,
        )
    return appointment


def _invitation(appointment: Appointment, *, author: Agent | None, stamp: datetime) -> Upload:
    """The calendar invitation (text/calendar; method=REQUEST), to the address the message
    goes to now, from the agent who wrote the message or else the desk."""
    promise = appointment.promise
    attendee, _ = recipient_for(customer_id=promise.customer_id, case_id=promise.case_id)
    text = ics.invitation(
        uid=appointment.uid,
        sequence=appointment.sequence,
        starts_at=promise.due_at,
        ends_at=appointment.ends_at,
        timezone=promise.timezone,
        summary=f"Appointment with {appointment.with_name}",
        location=appointment.location,
        description=promise.purpose,
        organizer_name=author.display_name if author else settings.SITE_NAME,
        organizer_email=ics.organizer_email(author.user.email if author else ""),
        attendee_name=promise.customer.name,
        attendee_email=attendee or "",
        stamp=stamp,
    )
    return Upload("invite.ics", "text/calendar; method=REQUEST", text.encode())


def appointment_reminder_text(appointment: Appointment, *, now: datetime) -> str:
    promise = appointment.promise
    when = say_when(promise.due_at, timezone_name=promise.timezone, now=now)
    return (
        f"Hello {promise.customer.greeting_name},\n\nA reminder: your appointment with"
        f" {appointment.with_name} is {when} ({promise.timezone}) at {appointment.location}."
        " If you can't make it, reply and a person will find you another time."
        "\n\n(This reminder is sent automatically.)"
    )
