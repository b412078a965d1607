"""A customer's answer (only ever a POST from the survey page), their opt-out, and closing the
loop: a bad CSAT or an NPS detractor becomes a callback owned by the relationship owner, a
promoter gets a thank-you naming the person who helped (with a referral link if enabled)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from rapport.care.actions.promises import create_promise
from rapport.care.models import Promise, PromiseKind
from rapport.cases import transports
from rapport.cases.actions.events import notify_agent, record_case_event
from rapport.cases.models import CaseEventKind, Message, NotificationKind
from rapport.lib.errors import ActionError
from rapport.people.actions.events import record_customer_event
from rapport.people.models import Agent, Customer, CustomerEventKind
from rapport.routing.service import agent_calendar
from rapport.surveys.actions.sending import private_channels
from rapport.surveys.links import referral_url
from rapport.surveys.models import (
    NPS_PROMOTER,
    SkipReason,
    Survey,
    SurveyKind,
    SurveyOptOut,
    SurveyStatus,
)

# A bad score is called back within this long, in the owner's working time where it has any.
CALL_BACK_WITHIN = timedelta(hours=24)
MIN_WINDOW = timedelta(minutes=30)
MAX_COMMENT = 2000
MAX_SHORT = 200


def _clean(text: str, limit: int) -> str:
    return text.replace("\x00", "").strip()[:limit]


@transaction.atomic
def answer_survey(
    *,
    survey: Survey,
    score: int,
    comment: str = "",
    thank: str = "",
    heard_from: str = "",
    now: datetime | None = None,
) -> Survey:
    """Record the customer's choice once, then close the loop. A survey not sent, answered
    already, or past its answer period is refused with what the page should say."""
    at = now or timezone.now()
    locked = (
        Survey.objects.select_for_update(of=("self",))
        .select_related("case", "customer__owner", "agent")
        .get(pk=survey.pk)
    )
    if locked.status == SurveyStatus.ANSWERED:
        raise ActionError("You have already answered this survey. Thank you!")
    if locked.status != SurveyStatus.SENT or (
        locked.expires_at is not None and locked.expires_at <= at
    ):
        raise ActionError("This survey has closed, so the answer was not recorded.")
    low, high = locked.scale
    if not low <= score <= high:
        raise ActionError(f"Choose a score from {low} to {high}.", field="score")
    locked.status, locked.score, locked.answered_at = SurveyStatus.ANSWERED, score, at
    locked.comment = _clean(comment, MAX_COMMENT)
    locked.thank = _clean(thank, MAX_SHORT)
    locked.heard_from = _clean(heard_from, MAX_SHORT)
    fields = ["status", "score", "answered_at", "comment", "thank", "heard_from"]
    record_case_event(
        locked.case,
        kind=CaseEventKind.SURVEY_ANSWERED,
        by=None,
        after={"survey": locked.pk, "kind": locked.kind, "score": score},
        reason=locked.comment[:500],
        at=at,
    )
    if locked.needs_call:
        locked.follow_up_promise = _call_back(locked, at=at)
        fields.append("follow_up_promise")
    elif locked.kind == SurveyKind.NPS and score >= NPS_PROMOTER:
        locked.thank_you = _thank(locked, at=at)
        fields.append("thank_you")
    locked.save(update_fields=fields)
    return locked


def _owner(survey: Survey) -> Agent | None:
    """Who calls back: the relationship owner, else the case's owner, else who helped."""
    customer = survey.customer
    for candidate in (customer.owner, survey.case.owner, survey.agent):
        if candidate is not None and candidate.user.is_active:
            return candidate
    return None


def _window(owner: Agent, *, at: datetime) -> tuple[datetime, datetime]:
    """From the owner's next working moment to the last one within 24 hours (their site's
    hours and holidays); past that deadline if they work none of it."""
    calendar = agent_calendar(owner)
    deadline = at + CALL_BACK_WITHIN
    start = calendar.next_open(at) or at
    end = start
    for opens, closes in calendar.intervals_from(at):
        if opens >= deadline:
            break
        end = min(closes, deadline)
    return start, max(end, start + MIN_WINDOW)


def _call_back(survey: Survey, *, at: datetime) -> Promise | None:
    owner = _owner(survey)
    if owner is None:
        return None
    start, end = _window(owner, at=at)
    low, high = survey.scale
    said = f": “{survey.comment[:120]}”" if survey.comment else ""
    promise = create_promise(
        kind=PromiseKind.CALLBACK,
        case=survey.case,
        owner=owner,
        due_at=start,
        window_end=end,
        remind_at=start,
        purpose=(
            f"Call {survey.customer.greeting_name} back: {survey.get_kind_display()} "
            f"{survey.score}/{high}{said}"
        ),
        script=(
            f"They answered the {survey.get_kind_display()} survey with {survey.score} "
            f"(of {low} to {high}). " + (f"Their words: {survey.comment}" if survey.comment else "")
        ).strip(),
        by=None,
        now=at,
    )
    record_case_event(
        survey.case,
        kind=CaseEventKind.CALLBACK_BOOKED,
        by=None,
        after={
            "promise": promise.pk,
            "owner": owner.pk,
            "window": [start.isoformat(), end.isoformat()],
            "survey": survey.pk,
        },
        reason=f"{survey.get_kind_display()} answered {survey.score}/{high}",
        at=at,
    )
    notify_agent(
        agent=owner,
        case=survey.case,
        kind=NotificationKind.CALLBACK_BOOKED,
        at=at,
        text=f"{survey.customer.name} answered {survey.score}/{high}: call them back by "
        f"{end.astimezone(ZoneInfo(owner.timezone)):%a %H:%M}. {promise.purpose}",
    )
    return promise


def _thank(survey: Survey, *, at: datetime) -> Message | None:
    """The promoter's thank-you, by the channel the survey went by (else any that reaches them),
    naming the person who helped; that person is told what the customer said."""
    usable = private_channels(survey.case)
    channel = survey.channel if survey.channel in usable else (usable[0] if usable else None)
    agent = survey.agent
    if agent is not None:
        said = f": “{survey.comment[:200]}”" if survey.comment else "."
        notify_agent(
            agent=agent,
            case=survey.case,
            kind=NotificationKind.SURVEY_PRAISE,
            at=at,
            text=f"{survey.customer.name} would recommend us ({survey.score}/10){said}",
        )
    if channel is None:
        return None
    links = settings.RAPPORT_SURVEY_REFERRAL_LINKS
    text = render_to_string(
        "surveys/thank_you_message.txt",
        {
            "name": survey.customer.greeting_name,
            "agent": agent.display_name if agent else "",
            "referral_url": referral_url(survey.customer) if links else "",
        },
    ).strip()
    return transports.queue(
        case=survey.case, channel=channel, text=text, by=None, attachments=(), now=at
    )


@transaction.atomic
def opt_out(
    *, customer: Customer, via: str, survey: Survey | None = None, by: Agent | None = None
) -> SurveyOptOut:
    """No more surveys for this customer: recorded once, and every waiting survey skipped."""
    row, created = SurveyOptOut.objects.get_or_create(
        customer=customer, defaults={"survey": survey, "via": via[:40]}
    )
    if created:
        record_customer_event(customer, kind=CustomerEventKind.SURVEYS_OPTED_OUT, by=by, via=via)
        Survey.objects.filter(customer=customer, status=SurveyStatus.SCHEDULED).update(
            status=SurveyStatus.SKIPPED, skip_reason=SkipReason.OPTED_OUT
        )
    return row
