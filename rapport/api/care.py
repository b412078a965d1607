"""/care: promises (follow-ups, callbacks, referrals, appointments) and word of mouth."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Self
from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus
from pydantic import AwareDatetime

from rapport.api.auth import agent_of
from rapport.api.customers import READ_ERRORS, WRITE_ERRORS, agent_by_id
from rapport.api.pagination import Keyset, keyset_page
from rapport.api.schemas import AgentRef, ErrorOut, PageQuery, Timestamp
from rapport.care import actions, handovers, selectors
from rapport.care.access import promise_for_agent, promises_for_agent, referral_for_agent
from rapport.care.models import (
    Appointment,
    Outcome,
    Promise,
    PromiseKind,
    PromiseStatus,
    Referral,
    ReferralState,
    Urgency,
    WordOfMouth,
)
from rapport.cases.access import case_for_agent, customer_for_agent, customers_for_agent
from rapport.lib.errors import ActionError
from rapport.people.models import Agent, Channel, Customer, Team

router = Router(tags=["care"])
CONFLICT_ERRORS: dict[int, type[ErrorOut]] = {**WRITE_ERRORS, 409: ErrorOut}
SOONEST_FIRST = Keyset("due_at", descending=False)


class PromiseOut(Schema):
    id: int
    kind: PromiseKind
    status: PromiseStatus
    customer_id: int
    case_id: int
    owner: AgentRef | None
    due_at: Timestamp
    window_end: Timestamp | None
    timezone: str = Field(description="The zone the time was promised in (the customer's).")
    due_local: str = Field(description="The due time as the customer reads it.")
    channel: Channel
    purpose: str
    script: str
    outcome: Outcome | None
    outcome_notes: str
    attempts: int
    kept_at: Timestamp | None
    late: bool
    escalated_at: Timestamp | None

    @classmethod
    def of(cls, promise: Promise) -> Self:
        local = timezone.localtime(promise.due_at, timezone=ZoneInfo(promise.timezone))
        return cls(
            id=promise.pk,
            kind=PromiseKind(promise.kind),
            status=PromiseStatus(promise.status),
            customer_id=promise.customer_id,
            case_id=promise.case_id,
            owner=AgentRef.of(promise.owner),
            due_at=promise.due_at,
            window_end=promise.window_end,
            timezone=promise.timezone,
            due_local=local.isoformat(),
            channel=Channel(promise.channel),
            purpose=promise.purpose,
            script=promise.script,
            outcome=Outcome(promise.outcome) if promise.outcome else None,
            outcome_notes=promise.outcome_notes,
            attempts=promise.attempts,
            kept_at=promise.kept_at,
            late=promise.late,
            escalated_at=promise.escalated_at,
        )


class PromisePage(Schema):
    items: list[PromiseOut]
    next: str | None


class PromiseQuery(PageQuery):
    status: list[PromiseStatus] = Field(default_factory=list)
    kind: list[PromiseKind] = Field(default_factory=list)
    owner: str | None = Field(None, description='An agent id or "me".')
    customer: int | None = None
    case: int | None = None


class PromiseCallIn(Schema):
    outcome: Outcome
    notes: str = Field("", max_length=5000)
    phone: str = Field("", max_length=32)
    duration_seconds: int = Field(0, ge=0, le=24 * 3600)
    reschedule_to: AwareDatetime | None = Field(
        None, description="For no_answer: when to try again (default: the next day, same time)."
    )


class RescheduleIn(Schema):
    to: AwareDatetime
    reason: str = Field("", max_length=500)


class CancelIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


class FollowUpIn(Schema):
    due_at: AwareDatetime | None = Field(
        None, description="Default: tomorrow at 10:00 in the customer's time zone."
    )
    purpose: str = Field("", max_length=300)
    script: str = Field("", max_length=2000)
    owner_id: int | None = Field(None, description="Default: you.")
    channel: Channel = Channel.PHONE


class CallbackIn(Schema):
    window_start: AwareDatetime | None = Field(
        None, description="The customer's choice; default: the next free window."
    )
    purpose: str = Field("", max_length=300)


class CallbackQuoteOut(Schema):
    agent: AgentRef
    window_start: Timestamp
    window_end: Timestamp
    queue_ahead: int
    reason: str
    customer_text: str = Field(description="What to tell the customer, in their time zone.")


class ReferralIn(Schema):
    to_agent_id: int | None = None
    to_team_id: int | None = None
    provider_name: str = Field("", max_length=200)
    provider_organization: str = Field("", max_length=200)
    provider_phone: str = Field("", max_length=32)
    provider_email: str = Field("", max_length=254)
    situation: str = Field(..., max_length=4000, description="What is happening.")
    tried: str = Field("", max_length=4000, description="What was tried.")
    needs: str = Field(..., max_length=4000, description="What the customer needs.")
    urgency: Urgency = Urgency.SOON


class ReferralOut(Schema):
    id: int
    promise: PromiseOut
    state: ReferralState
    specialist: str
    to_agent: AgentRef | None
    to_team_id: int | None
    provider_name: str
    provider_organization: str
    provider_phone: str
    provider_email: str
    situation: str
    tried: str
    needs: str
    urgency: Urgency
    referred_by: AgentRef | None
    return_to: AgentRef | None
    acknowledged_by: AgentRef | None
    acknowledged_at: Timestamp | None
    handed_back_at: Timestamp | None
    handback_note: str
    introduction_message_id: int | None
    draft_introduction: str

    @classmethod
    def of(cls, referral: Referral) -> Self:
        return cls(
            id=referral.pk,
            promise=PromiseOut.of(referral.promise),
            state=ReferralState(referral.state),
            specialist=referral.specialist_name,
            to_agent=AgentRef.of(referral.to_agent),
            to_team_id=referral.to_team_id,
            provider_name=referral.provider_name,
            provider_organization=referral.provider_organization,
            provider_phone=referral.provider_phone,
            provider_email=referral.provider_email,
            situation=referral.situation,
            tried=referral.tried,
            needs=referral.needs,
            urgency=Urgency(referral.urgency),
            referred_by=AgentRef.of(referral.referred_by),
            return_to=AgentRef.of(referral.return_to),
            acknowledged_by=AgentRef.of(referral.acknowledged_by),
            acknowledged_at=referral.acknowledged_at,
            handed_back_at=referral.handed_back_at,
            handback_note=referral.handback_note,
            introduction_message_id=referral.introduction_id,
            draft_introduction=handovers.draft_introduction(referral, now=timezone.now()),
        )


class NoteIn(Schema):
    note: str = Field("", max_length=5000)


class IntroductionIn(Schema):
    text: str = Field(..., min_length=1, max_length=20000)


class AppointmentIn(Schema):
    starts_at: AwareDatetime
    duration_minutes: int = Field(30, ge=5, le=12 * 60)
    timezone: str = Field("", description="Whose time zone (default: the customer's).")
    location: str = Field(..., max_length=300)
    with_agent_id: int | None = None
    with_name: str = Field("", max_length=200)
    referral_id: int | None = None
    follow_up: bool = Field(True, description="Schedule a call the day after.")


class AppointmentOut(Schema):
    id: int
    promise: PromiseOut
    with_name: str
    with_agent: AgentRef | None
    location: str
    ends_at: Timestamp
    uid: str
    referral_id: int | None
    invite_message_id: int | None

    @classmethod
    def of(cls, appointment: Appointment) -> Self:
        return cls(
            id=appointment.pk,
            promise=PromiseOut.of(appointment.promise),
            with_name=appointment.with_name,
            with_agent=AgentRef.of(appointment.with_agent),
            location=appointment.location,
            ends_at=appointment.ends_at,
            uid=appointment.uid,
            referral_id=appointment.referral_id,
            invite_message_id=appointment.invite_id,
        )


class WordOfMouthIn(Schema):
    direction: str = Field(
        ..., pattern="^(referred_by|recommended)$", description="referred_by or recommended"
    )
    other_customer_id: int | None = None
    other_name: str = Field("", max_length=200)
    on: date | None = None
    note: str = Field("", max_length=300)


class WordOfMouthOut(Schema):
    id: int
    referrer_id: int | None
    referrer: str
    referred_id: int | None
    referred: str
    on: date
    note: str
    recorded_by: AgentRef | None

    @classmethod
    def of(cls, row: WordOfMouth) -> Self:
        return cls(
            id=row.pk,
            referrer_id=row.referrer_id,
            referrer=row.referrer_name,
            referred_id=row.referred_id,
            referred=row.referred_name,
            on=row.on,
            note=row.note,
            recorded_by=AgentRef.of(row.recorded_by),
        )


class CountOut(Schema):
    name: str
    count: int


class WordOfMouthCountsOut(Schema):
    by_customer: list[CountOut]
    by_owner: list[CountOut]


# ---------------------------------------------------------------------------- promises


def _promise_out(agent: Agent, promise_id: int) -> PromiseOut:
    return PromiseOut.of(promise_for_agent(agent, promise_id))


@router.get("/calls-due", response={200: list[PromiseOut], **READ_ERRORS}, summary="Calls due")
def calls_due(request: HttpRequest) -> list[PromiseOut]:
    """Your follow-ups and callbacks until the end of your day (your time zone), soonest first,
    with missed calls escalated to you as a customer's deputy."""
    return [PromiseOut.of(p) for p in selectors.calls_due(agent_of(request), now=timezone.now())]


@router.get("/promises", response={200: PromisePage, **READ_ERRORS}, summary="List promises")
def list_promises(request: HttpRequest, filters: Query[PromiseQuery]) -> PromisePage:
    """Every promise you can see, soonest due first."""
    agent = agent_of(request)
    rows = promises_for_agent(agent).select_related("owner")
    if filters.status:
        rows = rows.filter(status__in=[s.value for s in filters.status])
    if filters.kind:
        rows = rows.filter(kind__in=[k.value for k in filters.kind])
    if filters.owner is not None:
        owner = filters.owner.strip().lower()
        if owner == "me":
            rows = rows.filter(owner=agent)
        elif owner.isdigit():
            rows = rows.filter(owner_id=int(owner))
        else:
            raise ActionError('owner is an agent id or "me".', field="owner")
    if filters.customer is not None:
        rows = rows.filter(customer_id=filters.customer)
    if filters.case is not None:
        rows = rows.filter(case_id=filters.case)
    page, next_cursor = keyset_page(
        rows, keyset=SOONEST_FIRST, limit=filters.limit, cursor=filters.cursor
    )
    return PromisePage(items=[PromiseOut.of(p) for p in page], next=next_cursor)


@router.get("/promises/{int:promise_id}", response={200: PromiseOut, **READ_ERRORS})
def get_promise(request: HttpRequest, promise_id: int) -> PromiseOut:
    return _promise_out(agent_of(request), promise_id)


@router.post(
    "/promises/{int:promise_id}/call",
    response={200: PromiseOut, **CONFLICT_ERRORS},
    summary="Log the call and its outcome",
)
def call(request: HttpRequest, promise_id: int, payload: PromiseCallIn) -> PromiseOut:
    """One step: the call goes on the case timeline; the promise is kept, or rescheduled when
    nobody answered. Reached but needing more help reopens the case (or opens a new one)."""
    agent = agent_of(request)
    actions.log_promise_call(
        promise=promise_for_agent(agent, promise_id),
        by=agent,
        outcome=payload.outcome.value,
        notes=payload.notes,
        phone=payload.phone,
        duration_seconds=payload.duration_seconds,
        reschedule_to=payload.reschedule_to,
    )
    return _promise_out(agent, promise_id)


@router.post("/promises/{int:promise_id}/reschedule", response={200: PromiseOut, **CONFLICT_ERRORS})
def reschedule(request: HttpRequest, promise_id: int, payload: RescheduleIn) -> PromiseOut:
    agent = agent_of(request)
    actions.reschedule_promise(
        promise=promise_for_agent(agent, promise_id), by=agent, to=payload.to, reason=payload.reason
    )
    return _promise_out(agent, promise_id)


@router.post("/promises/{int:promise_id}/cancel", response={200: PromiseOut, **CONFLICT_ERRORS})
def cancel(request: HttpRequest, promise_id: int, payload: CancelIn) -> PromiseOut:
    """Only with a reason; a promise is never silently dropped."""
    agent = agent_of(request)
    actions.cancel_promise(
        promise=promise_for_agent(agent, promise_id), by=agent, reason=payload.reason
    )
    return _promise_out(agent, promise_id)


# ---------------------------------------------------------------------------- on a case


@router.post(
    "/cases/{int:case_id}/follow-ups",
    response={201: PromiseOut, **WRITE_ERRORS},
    summary="Schedule a follow-up",
)
def follow_up(request: HttpRequest, case_id: int, payload: FollowUpIn) -> HttpStatus[PromiseOut]:
    agent = agent_of(request)
    case = case_for_agent(agent, case_id)
    now = timezone.now()
    promise = actions.schedule_follow_up(
        case=case,
        by=agent,
        owner=agent_by_id(payload.owner_id, field="owner_id"),
        due_at=payload.due_at or actions.tomorrow_at(case, now=now),
        purpose=payload.purpose or f"Check how things are going after “{case.subject}”",
        script=payload.script,
        channel=payload.channel.value,
        now=now,
    )
    return HttpStatus(201, PromiseOut.of(promise))


@router.get(
    "/cases/{int:case_id}/callback-window",
    response={200: CallbackQuoteOut, **WRITE_ERRORS},
    summary="The honest callback window",
)
def callback_window(
    request: HttpRequest, case_id: int, at: AwareDatetime | None = None
) -> CallbackQuoteOut:
    """Who would call and when — the next free window, or the one at `at` — from who is on
    shift and the callbacks already waiting for them. Nothing is booked."""
    case = case_for_agent(agent_of(request), case_id)
    quote = selectors.quote_callback(case, now=timezone.now(), at=at)
    agent = Agent.objects.get(pk=quote.agent_id)
    return CallbackQuoteOut(
        agent=AgentRef(id=agent.pk, display_name=agent.display_name),
        window_start=quote.start,
        window_end=quote.end,
        queue_ahead=quote.queue_ahead,
        reason=quote.reason,
        customer_text=f"{agent.display_name} will call you {quote.describe()}.",
    )


@router.post(
    "/cases/{int:case_id}/callbacks",
    response={201: PromiseOut, **WRITE_ERRORS},
    summary="Book a callback",
)
def callback(request: HttpRequest, case_id: int, payload: CallbackIn) -> HttpStatus[PromiseOut]:
    agent = agent_of(request)
    promise = actions.book_callback(
        case=case_for_agent(agent, case_id),
        by=agent,
        window_start=payload.window_start,
        purpose=payload.purpose,
    )
    return HttpStatus(
        201, PromiseOut.of(Promise.objects.select_related("owner").get(pk=promise.pk))
    )


def _team(team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise ActionError(f"There is no team #{team_id}.", field="to_team_id")
    return team


def _referral_out(agent: Agent, referral_id: int) -> ReferralOut:
    return ReferralOut.of(referral_for_agent(agent, referral_id))


@router.post(
    "/cases/{int:case_id}/referrals",
    response={201: ReferralOut, **WRITE_ERRORS},
    summary="Refer to a specialist",
)
def refer(request: HttpRequest, case_id: int, payload: ReferralIn) -> HttpStatus[ReferralOut]:
    """To a colleague, a team or an outside provider, with a brief; they are notified."""
    agent = agent_of(request)
    referral = handovers.refer_case(
        case=case_for_agent(agent, case_id),
        by=agent,
        to_agent=agent_by_id(payload.to_agent_id, field="to_agent_id"),
        to_team=_team(payload.to_team_id),
        provider_name=payload.provider_name,
        provider_organization=payload.provider_organization,
        provider_phone=payload.provider_phone,
        provider_email=payload.provider_email,
        situation=payload.situation,
        tried=payload.tried,
        needs=payload.needs,
        urgency=payload.urgency.value,
    )
    return HttpStatus(201, _referral_out(agent, referral.pk))


@router.get("/referrals/{int:referral_id}", response={200: ReferralOut, **READ_ERRORS})
def get_referral(request: HttpRequest, referral_id: int) -> ReferralOut:
    """With a drafted introduction for the customer's own agent to edit and send."""
    return _referral_out(agent_of(request), referral_id)


@router.post(
    "/referrals/{int:referral_id}/acknowledge", response={200: ReferralOut, **CONFLICT_ERRORS}
)
def acknowledge(request: HttpRequest, referral_id: int, payload: NoteIn) -> ReferralOut:
    agent = agent_of(request)
    handovers.acknowledge_referral(
        referral=referral_for_agent(agent, referral_id), by=agent, note=payload.note
    )
    return _referral_out(agent, referral_id)


@router.post(
    "/referrals/{int:referral_id}/hand-back", response={200: ReferralOut, **CONFLICT_ERRORS}
)
def hand_back(request: HttpRequest, referral_id: int, payload: NoteIn) -> ReferralOut:
    """The case returns to the agent who referred it."""
    agent = agent_of(request)
    handovers.hand_back_referral(
        referral=referral_for_agent(agent, referral_id), by=agent, note=payload.note
    )
    return _referral_out(agent, referral_id)


@router.post(
    "/referrals/{int:referral_id}/introduction", response={200: ReferralOut, **WRITE_ERRORS}
)
def introduce(request: HttpRequest, referral_id: int, payload: IntroductionIn) -> ReferralOut:
    """Sent as your own signed reply on the case."""
    agent = agent_of(request)
    handovers.send_introduction(
        referral=referral_for_agent(agent, referral_id), by=agent, text=payload.text
    )
    return _referral_out(agent, referral_id)


@router.post(
    "/cases/{int:case_id}/appointments",
    response={201: AppointmentOut, **WRITE_ERRORS},
    summary="Book an appointment",
)
def appointment(
    request: HttpRequest, case_id: int, payload: AppointmentIn
) -> HttpStatus[AppointmentOut]:
    """The customer is emailed a calendar invitation (.ics); a reminder goes out the day
    before and a follow-up call the day after is scheduled."""
    agent = agent_of(request)
    case = case_for_agent(agent, case_id)
    referral = None
    if payload.referral_id is not None:
        referral = Referral.objects.filter(pk=payload.referral_id, promise__case=case).first()
        if referral is None:
            raise ActionError("That referral is not on this case.", field="referral_id")
    booked = handovers.book_appointment(
        case=case,
        by=agent,
        starts_at=payload.starts_at,
        duration=timedelta(minutes=payload.duration_minutes),
        location=payload.location,
        with_agent=agent_by_id(payload.with_agent_id, field="with_agent_id"),
        with_name=payload.with_name,
        timezone_name=payload.timezone,
        referral=referral,
        follow_up=payload.follow_up,
    )
    loaded = Appointment.objects.select_related("promise__owner", "with_agent").get(pk=booked.pk)
    return HttpStatus(201, AppointmentOut.of(loaded))


# ---------------------------------------------------------------------------- word of mouth


@router.get(
    "/customers/{int:customer_id}/word-of-mouth",
    response={200: list[WordOfMouthOut], **READ_ERRORS},
)
def word_of_mouth(request: HttpRequest, customer_id: int) -> list[WordOfMouthOut]:
    customer = customer_for_agent(agent_of(request), customer_id)
    return [WordOfMouthOut.of(row) for row in selectors.word_of_mouth_for(customer)]


@router.post(
    "/customers/{int:customer_id}/word-of-mouth",
    response={201: WordOfMouthOut, **WRITE_ERRORS},
    summary="Record a recommendation",
)
def record_word_of_mouth(
    request: HttpRequest, customer_id: int, payload: WordOfMouthIn
) -> HttpStatus[WordOfMouthOut]:
    """`referred_by`: "who referred you?"; `recommended`: "did you recommend us?". The other
    person is a customer on file (`other_customer_id`) or a name."""
    agent = agent_of(request)
    customer = customer_for_agent(agent, customer_id)
    other: Customer | None = None
    if payload.other_customer_id is not None:
        try:
            other = customer_for_agent(agent, payload.other_customer_id)
        except Http404 as exc:
            raise ActionError(
                f"There is no customer #{payload.other_customer_id}.", field="other_customer_id"
            ) from exc
    if payload.direction == "referred_by":
        row = actions.record_word_of_mouth(
            by=agent,
            referred=customer,
            referrer=other,
            referrer_text=payload.other_name,
            on=payload.on,
            note=payload.note,
        )
    else:
        row = actions.record_word_of_mouth(
            by=agent,
            referrer=customer,
            referred=other,
            referred_text=payload.other_name,
            on=payload.on,
            note=payload.note,
        )
    return HttpStatus(201, WordOfMouthOut.of(row))


@router.get("/word-of-mouth/counts", response={200: WordOfMouthCountsOut, **READ_ERRORS})
def word_of_mouth_counts(request: HttpRequest) -> WordOfMouthCountsOut:
    """How many people each of your customers recommended us to, and per relationship owner."""
    counts = selectors.word_of_mouth_counts(customers_for_agent(agent_of(request)))
    return WordOfMouthCountsOut(
        by_customer=[CountOut(name=n, count=c) for n, c in counts["customers"]],
        by_owner=[CountOut(name=n, count=c) for n, c in counts["owners"]],
    )
