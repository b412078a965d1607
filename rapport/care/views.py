"""Care pages: calls due today, one-step call logging, follow-ups, callbacks, referrals,
appointments and word of mouth. Each POST parses a form, calls one action and redirects back."""

from __future__ import annotations

from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.care import selectors
from rapport.care.access import promise_for_agent, referral_for_agent
from rapport.care.actions.appointments import book_appointment
from rapport.care.actions.callbacks import book_callback
from rapport.care.actions.promises import follow_up_tomorrow, log_promise_call, schedule_follow_up
from rapport.care.actions.referrals import (
    acknowledge_referral,
    draft_introduction,
    hand_back_referral,
    may_act_as_specialist,
    refer_case,
    referrals_waiting_for,
    send_introduction,
)
from rapport.care.actions.word_of_mouth import record_word_of_mouth
from rapport.care.forms import (
    AppointmentForm,
    CallbackForm,
    FollowUpForm,
    IntroductionForm,
    NoteForm,
    PromiseCallForm,
    ReferralForm,
    WordOfMouthForm,
    aware,
)
from rapport.care.models import Outcome, Referral, Urgency
from rapport.care.windows import describe_window
from rapport.cases.access import case_for_agent, customer_cases_for_agent, customer_for_agent
from rapport.cases.models import Case
from rapport.lib.access import named
from rapport.lib.answers import next_url, post_action
from rapport.lib.errors import ActionError
from rapport.people.access import agent_by_id, team_by_id
from rapport.people.decorators import agent_required
from rapport.people.models import Agent, Team

# ---------------------------------------------------------------------------- calls due


@require_GET
@agent_required
def calls_due(request: HttpRequest, agent: Agent) -> HttpResponse:
    rows = selectors.calls_due(agent, now=timezone.now())
    return render(
        request,
        "care/calls_due.html",
        {
            "rows": rows,
            "outcomes": Outcome.choices,
            "referrals": referrals_waiting_for(agent),
            "now": timezone.now(),
        },
    )


@require_POST
@agent_required
def promise_call(request: HttpRequest, agent: Agent, promise_id: int) -> HttpResponse:
    promise = promise_for_agent(agent, promise_id)

    def run(data: dict[str, Any]) -> str:
        kept = log_promise_call(
            promise=promise,
            by=agent,
            outcome=data["outcome"],
            notes=data["notes"],
            phone=request.POST.get("phone", "")[:32],
            duration_seconds=(data["duration_minutes"] or 0) * 60,
            reschedule_to=aware(data["reschedule_to"], promise.timezone, field="reschedule_to"),
        )
        if kept.outcome and kept.status == "kept":
            return f"Call with {promise.customer.name} logged: {kept.get_outcome_display()}."
        local = timezone.localtime(kept.due_at)
        return f"No answer from {promise.customer.name}; trying again {local:%a %H:%M}."

    back = next_url(request, reverse("care_calls"))
    return post_action(request, run, form=PromiseCallForm(request.POST), back=back)


# ---------------------------------------------------------------------------- from the case


@require_POST
@agent_required
def case_follow_up(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    case = case_for_agent(agent, case_id)

    def run(data: dict[str, Any]) -> str:
        due = aware(data["due_at"], case.customer.timezone, field="due_at")
        if due is None:
            promise = follow_up_tomorrow(case=case, by=agent, purpose=data["purpose"])
        else:
            promise = schedule_follow_up(
                case=case,
                by=agent,
                due_at=due,
                purpose=data["purpose"] or f"Follow up on “{case.subject}”",
                script=data["script"],
            )
        local = promise.due_at.astimezone(ZoneInfo(promise.timezone))
        return f"Follow-up call on {local:%A %-d %B at %H:%M} ({promise.timezone}) is on your list."

    return post_action(
        request, run, form=FollowUpForm(request.POST), back=_from_case(request, case)
    )


@require_POST
@agent_required
def case_callback(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    case = case_for_agent(agent, case_id)

    def run(data: dict[str, Any]) -> str:
        promise = book_callback(
            case=case,
            by=agent,
            window_start=aware(data["window_start"], case.customer.timezone, field="window_start"),
            purpose=data["purpose"],
        )
        window = describe_window(
            promise.due_at, promise.window_end or promise.due_at, timezone=promise.timezone
        )
        who = promise.owner.display_name if promise.owner else "Someone"
        return f"Callback booked: {who} will call {window}."

    return post_action(
        request, run, form=CallbackForm(request.POST), back=_from_case(request, case)
    )


def _from_case(request: HttpRequest, case: Case) -> str:
    return next_url(request, reverse("case", kwargs={"case_id": case.pk}))


def _of_business(case: Case) -> dict[str, Any]:
    """A case stays in its business: only its people and teams are offered (the action refuses
    the rest)."""
    return {} if case.brand_id is None else {"brand": case.brand_id}


def _people_of(case: Case) -> QuerySet[Agent]:
    if case.brand_id is None:
        return Agent.objects.order_by("display_name")
    return Agent.objects.filter(teams__brand=case.brand_id).distinct().order_by("display_name")


@require_http_methods(["GET", "POST"])
@agent_required
def case_refer(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    case = case_for_agent(agent, case_id)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = refer_case(
                case=case,
                by=agent,
                situation=data["situation"],
                tried=data["tried"],
                needs=data["needs"],
                urgency=data["urgency"],
                to_agent=named(agent_by_id, data["to_agent"], field="to_agent", what="agent"),
                to_team=named(team_by_id, data["to_team"], field="to_team", what="team"),
                provider_name=data["provider_name"],
                provider_organization=data["provider_organization"],
                provider_phone=data["provider_phone"],
                provider_email=data["provider_email"],
            )
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Referred to {referral.specialist_name}.")
            return redirect("care_referral", referral_id=referral.pk)
    return render(
        request,
        "care/refer.html",
        {
            "case": case,
            "form": form,
            "agents": _people_of(case).exclude(pk=agent.pk),
            "teams": Team.objects.filter(**_of_business(case)).order_by("name"),
            "urgencies": Urgency.choices,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@agent_required
def case_appointment(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    case = case_for_agent(agent, case_id)
    form = AppointmentForm(request.POST or None)
    referrals = list(
        Referral.objects.filter(promise__case=case).select_related("to_agent", "to_team")
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        zone = data["timezone"] or case.customer.timezone
        try:
            with_agent = named(agent_by_id, data["with_agent"], field="with_agent", what="agent")
            starts = aware(data["starts_at"], zone, field="starts_at")
            assert starts is not None  # noqa: S101 - the field is required
            appointment = book_appointment(
                case=case,
                by=agent,
                starts_at=starts.astimezone(ZoneInfo(zone)),
                duration=form.duration(),
                location=data["location"],
                with_agent=with_agent,
                with_name=data["with_name"],
                timezone_name=zone,
                referral=next((r for r in referrals if r.pk == data["referral"]), None),
                follow_up=data["follow_up"],
                note=data["note"],
            )
        except (ActionError, ValueError) as exc:
            form.add_error(None, getattr(exc, "message", str(exc)))
        else:
            messages.success(
                request,
                f"Appointment with {appointment.with_name} booked; the invitation is on its way.",
            )
            return redirect("case", case_id=case.pk)
    return render(
        request,
        "care/appointment.html",
        {
            "case": case,
            "form": form,
            "agents": _people_of(case),
            "referrals": referrals,
        },
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------------------- referrals


@require_GET
@agent_required
def referral_page(request: HttpRequest, agent: Agent, referral_id: int) -> HttpResponse:
    referral = referral_for_agent(agent, referral_id)
    return render(
        request,
        "care/referral.html",
        {
            "referral": referral,
            "case": referral.promise.case,
            "customer": referral.promise.customer,
            "draft": draft_introduction(referral, now=timezone.now()),
            "is_specialist": may_act_as_specialist(agent, referral),
        },
    )


def _referral_action(
    request: HttpRequest, agent: Agent, referral_id: int, step: str
) -> HttpResponse:
    referral = referral_for_agent(agent, referral_id)

    def run(data: dict[str, Any]) -> str:
        if step == "introduce":
            send_introduction(referral=referral, by=agent, text=data["text"])
            return "Introduction sent, signed with your name."
        if step == "acknowledge":
            acknowledge_referral(referral=referral, by=agent, note=data["note"])
            return "Acknowledged: the case is with you now."
        hand_back_referral(referral=referral, by=agent, note=data["note"])
        return "Handed back to the customer's own agent."

    form = IntroductionForm(request.POST) if step == "introduce" else NoteForm(request.POST)
    back = next_url(request, reverse("care_referral", kwargs={"referral_id": referral.pk}))
    return post_action(request, run, form=form, back=back)


@require_POST
@agent_required
def referral_acknowledge(request: HttpRequest, agent: Agent, referral_id: int) -> HttpResponse:
    return _referral_action(request, agent, referral_id, "acknowledge")


@require_POST
@agent_required
def referral_handback(request: HttpRequest, agent: Agent, referral_id: int) -> HttpResponse:
    return _referral_action(request, agent, referral_id, "handback")


@require_POST
@agent_required
def referral_introduce(request: HttpRequest, agent: Agent, referral_id: int) -> HttpResponse:
    return _referral_action(request, agent, referral_id, "introduce")


# ---------------------------------------------------------------------------- word of mouth


@require_GET
@agent_required
def customer_care(request: HttpRequest, agent: Agent, customer_id: int) -> HttpResponse:
    customer = customer_for_agent(agent, customer_id)
    visible = customer_cases_for_agent(agent, customer)
    return render(
        request,
        "care/customer.html",
        {
            "customer": customer,
            "promises": selectors.open_promises(customer, visible=visible),
            "word_of_mouth": selectors.word_of_mouth_for(customer),
        },
    )


@require_POST
@agent_required
def customer_word_of_mouth(request: HttpRequest, agent: Agent, customer_id: int) -> HttpResponse:
    customer = customer_for_agent(agent, customer_id)

    def run(data: dict[str, Any]) -> str:
        other = named(
            partial(customer_for_agent, agent),
            data["other_customer"] or None,
            field="other_customer",
            what="customer",
        )
        sides = {
            "referred_by": {
                "referred": customer,
                "referrer": other,
                "referrer_text": data["other_name"],
            },
            "recommended": {
                "referrer": customer,
                "referred": other,
                "referred_text": data["other_name"],
            },
        }[data["direction"]]
        row = record_word_of_mouth(by=agent, on=data["on"], note=data["note"], **sides)
        return f"Recorded: {row.referrer_name} recommended us to {row.referred_name}."

    back = next_url(request, reverse("care_customer", kwargs={"customer_id": customer.pk}))
    return post_action(request, run, form=WordOfMouthForm(request.POST), back=back)
