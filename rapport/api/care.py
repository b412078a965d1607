"""/care: promises (follow-ups, callbacks, referrals, appointments) and word of mouth."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.responses import Status as HttpStatus

from rapport.api.auth import agent_of
from rapport.api.customers import READ_ERRORS, WRITE_ERRORS
from rapport.api.pagination import Keyset, keyset_page
from rapport.api.schemas.agents import AgentRef
from rapport.api.schemas.base import ErrorOut, Id
from rapport.api.schemas.care import (
    AppointmentIn,
    AppointmentOut,
    CallbackIn,
    CallbackQuoteOut,
    CallbackWindowQuery,
    CancelIn,
    CountOut,
    FollowUpIn,
    IntroductionIn,
    PromiseCallIn,
    PromiseOut,
    PromisePage,
    PromiseQuery,
    ReferralIn,
    ReferralNoteIn,
    ReferralOut,
    RescheduleIn,
    WordOfMouthCountsOut,
    WordOfMouthIn,
    WordOfMouthOut,
    WordOfMouthPage,
)
from rapport.care import selectors
from rapport.care.access import promise_for_agent, promises_for_agent, referral_for_agent
from rapport.care.actions.appointments import book_appointment
from rapport.care.actions.callbacks import book_callback
from rapport.care.actions.promises import (
    cancel_promise,
    log_promise_call,
    reschedule_promise,
    schedule_follow_up,
    tomorrow_at,
)
from rapport.care.actions.referrals import (
    acknowledge_referral,
    hand_back_referral,
    refer_case,
    send_introduction,
)
from rapport.care.actions.word_of_mouth import record_word_of_mouth as record_recommendation
from rapport.care.models import (
    Appointment,
    Promise,
)
from rapport.cases.access import case_for_agent, customer_for_agent, customers_for_agent
from rapport.lib.access import named
from rapport.lib.errors import ActionError
from rapport.people.access import agent_by_id, team_by_id
from rapport.people.models import Agent

router = Router(tags=["care"])
CONFLICT_ERRORS: dict[int, type[ErrorOut]] = {**WRITE_ERRORS, 409: ErrorOut}
SOONEST_FIRST = Keyset("due_at", descending=False)


# ---------------------------------------------------------------------------- promises


def _promise_out(agent: Agent, promise_id: int) -> PromiseOut:
    return PromiseOut.of(promise_for_agent(agent, promise_id))


@router.get("/calls-due", response={200: PromisePage, **READ_ERRORS}, summary="Calls due")
def calls_due(request: HttpRequest) -> PromisePage:
    """Your follow-ups and callbacks until the end of your day (your time zone), soonest first,
    with missed calls escalated to you as a customer's deputy; one page (`next` is null)."""
    due = selectors.calls_due(agent_of(request), now=timezone.now())
    return PromisePage(items=[PromiseOut.of(p) for p in due], next=None)


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
def get_promise(request: HttpRequest, promise_id: Id) -> PromiseOut:
    return _promise_out(agent_of(request), promise_id)


@router.post(
    "/promises/{int:promise_id}/call",
    response={200: PromiseOut, **CONFLICT_ERRORS},
    summary="Log the call and its outcome",
)
def call(request: HttpRequest, promise_id: Id, payload: PromiseCallIn) -> PromiseOut:
    """One step: the call goes on the case timeline; the promise is kept, or rescheduled when
    nobody answered. Reached but needing more help reopens the case (or opens a new one)."""
    agent = agent_of(request)
    log_promise_call(
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
def reschedule(request: HttpRequest, promise_id: Id, payload: RescheduleIn) -> PromiseOut:
    agent = agent_of(request)
    reschedule_promise(
        promise=promise_for_agent(agent, promise_id), by=agent, to=payload.to, reason=payload.reason
    )
    return _promise_out(agent, promise_id)


@router.post("/promises/{int:promise_id}/cancel", response={200: PromiseOut, **CONFLICT_ERRORS})
def cancel(request: HttpRequest, promise_id: Id, payload: CancelIn) -> PromiseOut:
    """Only with a reason; a promise is never silently dropped."""
    agent = agent_of(request)
    cancel_promise(promise=promise_for_agent(agent, promise_id), by=agent, reason=payload.reason)
    return _promise_out(agent, promise_id)


# ---------------------------------------------------------------------------- on a case


@router.post(
    "/cases/{int:case_id}/follow-ups",
    response={201: PromiseOut, **WRITE_ERRORS},
    summary="Schedule a follow-up",
)
def follow_up(request: HttpRequest, case_id: Id, payload: FollowUpIn) -> HttpStatus[PromiseOut]:
    agent = agent_of(request)
    case = case_for_agent(agent, case_id)
    now = timezone.now()
    promise = schedule_follow_up(
        case=case,
        by=agent,
        owner=named(agent_by_id, payload.owner_id, field="owner_id", what="agent"),
        due_at=payload.due_at or tomorrow_at(case, now=now),
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
    request: HttpRequest, case_id: Id, window: Query[CallbackWindowQuery]
) -> CallbackQuoteOut:
    """Who would call and when — the next free window, or the one at `at` — from who is on
    shift and the callbacks already waiting for them. Nothing is booked."""
    case = case_for_agent(agent_of(request), case_id)
    quote = selectors.quote_callback(case, now=timezone.now(), at=window.at)
    agent = agent_by_id(quote.agent_id)
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
def callback(request: HttpRequest, case_id: Id, payload: CallbackIn) -> HttpStatus[PromiseOut]:
    agent = agent_of(request)
    promise = book_callback(
        case=case_for_agent(agent, case_id),
        by=agent,
        window_start=payload.window_start,
        purpose=payload.purpose,
    )
    return HttpStatus(
        201, PromiseOut.of(Promise.objects.select_related("owner").get(pk=promise.pk))
    )


def _referral_out(agent: Agent, referral_id: int) -> ReferralOut:
    return ReferralOut.of(referral_for_agent(agent, referral_id))


@router.post(
    "/cases/{int:case_id}/referrals",
    response={201: ReferralOut, **WRITE_ERRORS},
    summary="Refer to a specialist",
)
def refer(request: HttpRequest, case_id: Id, payload: ReferralIn) -> HttpStatus[ReferralOut]:
    """To a colleague, a team or an outside provider, with a brief; they are notified."""
    agent = agent_of(request)
    referral = refer_case(
        case=case_for_agent(agent, case_id),
        by=agent,
        to_agent=named(agent_by_id, payload.to_agent_id, field="to_agent_id", what="agent"),
        to_team=named(team_by_id, payload.to_team_id, field="to_team_id", what="team"),
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
def get_referral(request: HttpRequest, referral_id: Id) -> ReferralOut:
    """With a drafted introduction for the customer's own agent to edit and send."""
    return _referral_out(agent_of(request), referral_id)


@router.post(
    "/referrals/{int:referral_id}/acknowledge", response={200: ReferralOut, **CONFLICT_ERRORS}
)
def acknowledge(request: HttpRequest, referral_id: Id, payload: ReferralNoteIn) -> ReferralOut:
    agent = agent_of(request)
    acknowledge_referral(
        referral=referral_for_agent(agent, referral_id), by=agent, note=payload.note
    )
    return _referral_out(agent, referral_id)


@router.post(
    "/referrals/{int:referral_id}/hand-back", response={200: ReferralOut, **CONFLICT_ERRORS}
)
def hand_back(request: HttpRequest, referral_id: Id, payload: ReferralNoteIn) -> ReferralOut:
    """The case returns to the agent who referred it."""
    agent = agent_of(request)
    hand_back_referral(referral=referral_for_agent(agent, referral_id), by=agent, note=payload.note)
    return _referral_out(agent, referral_id)


@router.post(
    "/referrals/{int:referral_id}/introduction", response={200: ReferralOut, **WRITE_ERRORS}
)
def introduce(request: HttpRequest, referral_id: Id, payload: IntroductionIn) -> ReferralOut:
    """Sent as your own signed reply on the case."""
    agent = agent_of(request)
    send_introduction(referral=referral_for_agent(agent, referral_id), by=agent, text=payload.text)
    return _referral_out(agent, referral_id)


@router.post(
    "/cases/{int:case_id}/appointments",
    response={201: AppointmentOut, **WRITE_ERRORS},
    summary="Book an appointment",
)
def appointment(
    request: HttpRequest, case_id: Id, payload: AppointmentIn
) -> HttpStatus[AppointmentOut]:
    """The customer is emailed a calendar invitation (.ics); a reminder goes out the day
    before and a follow-up call the day after is scheduled."""
    agent = agent_of(request)
    case = case_for_agent(agent, case_id)
    referral = named(
        partial(referral_for_agent, agent),
        payload.referral_id,
        field="referral_id",
        what="referral",
    )
    if referral is not None and referral.promise.case_id != case.pk:
        raise ActionError("That referral is not on this case.", field="referral_id")
    booked = book_appointment(
        case=case,
        by=agent,
        starts_at=payload.starts_at,
        duration=timedelta(minutes=payload.duration_minutes),
        location=payload.location,
        with_agent=named(agent_by_id, payload.with_agent_id, field="with_agent_id", what="agent"),
        with_name=payload.with_name,
        timezone_name=payload.timezone,
        referral=referral,
        follow_up=payload.follow_up,
        note=payload.note,
    )
    loaded = Appointment.objects.select_related("promise__owner", "with_agent").get(pk=booked.pk)
    return HttpStatus(201, AppointmentOut.of(loaded))


# ---------------------------------------------------------------------------- word of mouth


@router.get(
    "/customers/{int:customer_id}/word-of-mouth",
    response={200: WordOfMouthPage, **READ_ERRORS},
)
def word_of_mouth(request: HttpRequest, customer_id: Id) -> WordOfMouthPage:
    """Who referred this customer and whom they recommended us to; one page (`next` is null)."""
    customer = customer_for_agent(agent_of(request), customer_id)
    rows = selectors.word_of_mouth_for(customer)
    return WordOfMouthPage(items=[WordOfMouthOut.of(row) for row in rows], next=None)


@router.post(
    "/customers/{int:customer_id}/word-of-mouth",
    response={201: WordOfMouthOut, **WRITE_ERRORS},
    summary="Record a recommendation",
)
def record_word_of_mouth(
    request: HttpRequest, customer_id: Id, payload: WordOfMouthIn
) -> HttpStatus[WordOfMouthOut]:
    """`referred_by`: "who referred you?"; `recommended`: "did you recommend us?". The other
    person is a customer on file (`other_customer_id`) or a name."""
    agent = agent_of(request)
    customer = customer_for_agent(agent, customer_id)
    other = named(
        partial(customer_for_agent, agent),
        payload.other_customer_id,
        field="other_customer_id",
        what="customer",
    )
    if payload.direction == "referred_by":
        row = record_recommendation(
            by=agent,
            referred=customer,
            referrer=other,
            referrer_text=payload.other_name,
            on=payload.on,
            note=payload.note,
        )
    else:
        row = record_recommendation(
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
