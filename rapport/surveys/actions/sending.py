"""Sending what is due (the worker's `surveys_send` sweep, a supervisor's "send now") and
closing surveys nobody answered in time (`surveys_expire`).

Each survey is claimed under its row lock inside its own transaction, and every rule of the
contact policy is checked at the moment of sending: the opt-out, the customer's quiet hours
(their own zone: the survey waits until they end), the cool-down after another survey or a
follow-up call, and a channel that reaches them. "Send now" skips only the delay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Max, Min, Q
from django.template.loader import render_to_string
from django.utils import timezone

from rapport.care.models import Promise, PromiseKind, PromiseStatus
from rapport.cases import transports
from rapport.cases.actions.events import record_case_event
from rapport.cases.models import Case, CaseEventKind, Status
from rapport.jobs.items import SweepItems
from rapport.lib.errors import Conflict
from rapport.people.actions.staff import require_supervisor
from rapport.people.models import Agent, Channel
from rapport.surveys.links import survey_url
from rapport.surveys.models import SkipReason, Survey, SurveyKind, SurveyOptOut, SurveyStatus
from rapport.surveys.policy import Contacts, answer_period, cool_down, csat_delay, quiet_until

BATCH = 200
DONE = (Status.RESOLVED, Status.CLOSED)


@dataclass(frozen=True)
class Outcome:
    survey: Survey
    # "sent", "skipped", or "waiting" (quiet hours, cool-down, a reopened case) until `due_at`.
    what: str


def send_due(*, now: datetime) -> dict[str, list[int]]:
    items = SweepItems("surveys_send", now=now)
    due = items.due(
        Survey.objects.filter(status=SurveyStatus.SCHEDULED, due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True),
        batch=BATCH,
    )
    done: dict[str, list[int]] = {"sent": [], "skipped": [], "waiting": []}
    for pk in due:
        with items.attempt(pk):
            outcome = _send(pk, now=now, by=None)
            if outcome is not None:
                done[outcome.what].append(pk)
    return {**done, "deferred": items.deferred}


@transaction.atomic
def send_now(*, survey: Survey, by: Agent | None, now: datetime | None = None) -> Outcome:
    """A supervisor sends a scheduled survey without waiting for its delay; every other rule
    (opt-out, quiet hours, cool-down, a channel that reaches them) still holds."""
    require_supervisor(by, "send a survey now")
    outcome = _send(survey.pk, now=now or timezone.now(), by=by)
    if outcome is None:
        current = Survey.objects.get(pk=survey.pk)
        raise Conflict(f"This survey is {current.get_status_display().lower()}, not waiting.")
    return outcome


def _skip(survey: Survey, reason: str, *, by: Agent | None, now: datetime) -> Outcome:
    survey.status, survey.skip_reason = SurveyStatus.SKIPPED, reason
    survey.save(update_fields=["status", "skip_reason"])
    record_case_event(
        survey.case,
        kind=CaseEventKind.SURVEY_SKIPPED,
        by=by,
        after={"survey": survey.pk, "kind": survey.kind},
        reason=SkipReason(reason).label,
        at=now,
    )
    return Outcome(survey, "skipped")


def _wait(survey: Survey, until: datetime) -> Outcome:
    survey.due_at = until
    survey.save(update_fields=["due_at"])
    return Outcome(survey, "waiting")


def _contacts(survey: Survey, *, now: datetime) -> Contacts:
    """The customer's last survey sent and the follow-up calls around now (one query each)."""
    gap = cool_down()
    last_survey = (
        Survey.objects.filter(customer_id=survey.customer_id, sent_at__isnull=False)
        .exclude(pk=survey.pk)
        .aggregate(last=Max("sent_at"))["last"]
    )
    calls = Promise.objects.filter(
        customer_id=survey.customer_id,
        kind=PromiseKind.FOLLOW_UP,
        due_at__gte=now - gap,
        due_at__lte=now + gap,
    ).exclude(status=PromiseStatus.CANCELLED)
    around = calls.aggregate(
        last=Max("due_at", filter=Q(due_at__lte=now)), next=Min("due_at", filter=Q(due_at__gt=now))
    )
    lasts = [t for t in (last_survey, around["last"]) if t is not None]
    return Contacts(last=max(lasts) if lasts else None, next=around["next"])


def private_channels(case: Case) -> list[str]:
    """The channels that reach the customer privately: never a public post (social), where the
    survey's link (whoever holds it answers as them) would be read by anyone."""
    return [t.channel for t in transports.reachable_channels(case) if t.channel != Channel.SOCIAL]


def _channel(case: Case) -> str | None:
    """The case's own channel when it still reaches them (an open chat, a verified address),
    else email, else whatever does (privately)."""
    usable = private_channels(case)
    for choice in (case.origin_channel, Channel.EMAIL):
        if choice in usable:
            return choice
    return usable[0] if usable else None


def _send(pk: int, *, now: datetime, by: Agent | None) -> Outcome | None:
    survey = (
        Survey.objects.select_for_update(of=("self",))
        .select_related("case", "customer", "agent")
        .filter(pk=pk, status=SurveyStatus.SCHEDULED)
        .first()
    )
    if survey is None:
        return None
    if survey.kind == SurveyKind.NPS:
        # Sent on the customer's latest resolved case.
        latest = (
            Case.objects.filter(customer_id=survey.customer_id, status__in=DONE)
            .order_by("-resolved_at")
            .first()
        )
        survey.case = latest or survey.case
    return _held(survey, now=now, by=by) or _transmit(survey, now=now, by=by)


def _held(survey: Survey, *, now: datetime, by: Agent | None) -> Outcome | None:
    """What the contact policy says now, if it is not "send": skipped with the reason, or
    waiting until the moment it may go."""
    refused = (
        SkipReason.OPTED_OUT
        if SurveyOptOut.objects.filter(customer_id=survey.customer_id).exists()
        else SkipReason.MERGED
        if survey.case.merged_into_id is not None
        else None
    )
    if refused is not None:
        return _skip(survey, refused, by=by, now=now)
    if survey.kind == SurveyKind.CSAT and survey.case.status not in DONE:
        # Reopened since: asked only once it is resolved again (the hook moves it then).
        return _wait(survey, now + csat_delay(survey.case.origin_channel))
    quiet = quiet_until(now, survey.customer.timezone)
    if quiet is not None:
        return _wait(survey, quiet)
    blocked = _contacts(survey, now=now).blocks(now)
    if blocked is None:
        return None
    # A CSAT is about this case and soon stale; an NPS can wait for the cool-down to end.
    if survey.kind == SurveyKind.CSAT:
        return _skip(survey, SkipReason.COOL_DOWN, by=by, now=now)
    return _wait(survey, blocked)


def _transmit(survey: Survey, *, now: datetime, by: Agent | None) -> Outcome:
    channel = _channel(survey.case)
    if channel is None:
        return _skip(survey, SkipReason.UNREACHABLE, by=by, now=now)
    survey.sent_at, survey.expires_at = now, now + answer_period()
    text = render_to_string(
        f"surveys/{survey.kind}_message.txt",
        {
            "survey": survey,
            "name": survey.customer.greeting_name,
            "agent": survey.agent.display_name if survey.agent else "",
            "url": survey_url(survey),
            "expires_at": survey.expires_at,
        },
    ).strip()
    message = transports.queue(
        case=survey.case, channel=channel, text=text, by=None, attachments=(), now=now
    )
    survey.status, survey.channel, survey.message = SurveyStatus.SENT, channel, message
    survey.sent_now_by = by
    survey.save(
        update_fields=[
            "status",
            "channel",
            "message",
            "sent_at",
            "expires_at",
            "case",
            "sent_now_by",
        ]
    )
    record_case_event(
        survey.case,
        kind=CaseEventKind.SURVEY_SENT,
        by=by,
        after={"survey": survey.pk, "kind": survey.kind, "channel": channel},
        at=now,
    )
    return Outcome(survey, "sent")


def expire_due(*, now: datetime) -> dict[str, list[int]]:
    """Sent surveys past their answer period are closed (compare-and-set, one statement)."""
    ids = list(
        Survey.objects.filter(status=SurveyStatus.SENT, expires_at__lte=now)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    if ids:
        Survey.objects.filter(pk__in=ids, status=SurveyStatus.SENT).update(
            status=SurveyStatus.EXPIRED
        )
    return {"expired": ids}
