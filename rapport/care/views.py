"""Care pages: calls due today, one-step call logging, follow-ups, callbacks, referrals,
appointments and word of mouth. Each POST parses a form, calls one action and redirects back."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.care import actions, handovers, selectors
from rapport.care.access import promise_for_agent, referral_for_agent
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
    first_error,
)
from rapport.care.models import Outcome, Referral, Urgency
from rapport.care.windows import describe_window
from rapport.care.word_of_mouth import record_word_of_mouth
from rapport.cases.access import case_for_agent, customer_cases_for_agent, customer_for_agent
from rapport.lib.access import named
from rapport.lib.errors import ActionError
from rapport.people.access import agent_by_id, team_by_id
from rapport.people.models import Agent, Team
from rapport.workspace.decorators import agent_required


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return redirect(target if target and safe else fallback)


def _done(request: HttpRequest, fallback: str, notice: str) -> HttpResponse:
    messages.success(request, notice)
    return _back(request, fallback)


def _refused(request: HttpRequest, fallback: str, message: str) -> HttpResponse:
    messages.error(request, message)
    return _back(request, fallback)


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
            "referrals": handovers.referrals_waiting_for(agent),
            "now": timezone.now(),
        },
    )


@require_POST
@agent_required
def promise_call(request: HttpRequest, agent: Agent, promise_id: int) -> HttpResponse:
    promise = promise_for_agent(agent, promise_id)
    form = PromiseCallForm(request.POST)
    fallback = reverse("care_calls")
    if not form.is_valid():
        return _refused(request, fallback, first_error(form))
    data = form.cleaned_data
    phone = request.POST.get("phone", "")[:32]
    try:
        kept = actions.log_promise_call(
            promise=promise,
            by=agent,
            outcome=data["outcome"],
            notes=data["notes"],
            phone=phone,
            duration_seconds=(data["duration_minutes"] or 0) * 60,
            reschedule_to=aware(data["reschedule_to"], promise.timezone, field="reschedule_to"),
        )
    except ActionError as exc:
        return _refused(request, fallback, exc.message)
    if kept.outcome and kept.status == "kept":
        notice = f"Call with {promise.customer.name} logged: {kept.get_outcome_display()}."
    else:
        local = timezone.localtime(kept.due_at)
        notice = f"No answer from {promise.customer.name}; trying again {local:%a %H:%M}."
    return _done(request, fallback, notice)


# ---------------------------------------------------------------------------- from the case


@require_POST
@agent_required
def case_follow_up(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    case = case_for_agent(agent, case_id)
    form = FollowUpForm(request.POST)
    fallback = reverse("case", kwargs={"case_id": case.pk})
    if not form.is_valid():
        return _refused(request, fallback, first_error(form))
    data = form.cleaned_data
    try:
        due = aware(data["due_at"], case.customer.timezone, field="due_at")
        if due is None:
            promise = actions.follow_up_tomorrow(case=case, by=agent, purpose=data["purpose"])
        else:
            promise = actions.schedule_follow_up(
                case=case,
                by=agent,
                due_at=due,
                purpose=data["purpose"] or f"Follow up on “{case.subject}”",
                script=data["script"],
            )
    except ActionError as exc:
        return _refused(request, fallback, exc.message)
    local = promise.due_at.astimezone(ZoneInfo(promise.timezone))
    return _done(
        request,
        fallback,
        f"Follow-up call on {local:%A %-d %B at %H:%M} ({promise.timezone}) is on your list.",
    )


@require_POST
@agent_required
def case_callback(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    case = case_for_agent(agent, case_id)
    form = CallbackForm(request.POST)
    fallback = reverse("case", kwargs={"case_id": case.pk})
    if not form.is_valid():
        return _refused(request, fallback, first_error(form))
    data = form.cleaned_data
    try:
        promise = actions.book_callback(
            case=case,
            by=agent,
            window_start=aware(data["window_start"], case.customer.timezone, field="window_start"),
            purpose=data["purpose"],
        )
    except ActionError as exc:
        return _refused(request, fallback, exc.message)
    window = describe_window(
        promise.due_at, promise.window_end or promise.due_at, timezone=promise.timezone
    )
    who = promise.owner.display_name if promise.owner else "Someone"
    return _done(request, fallback, f"Callback booked: {who} will call {window}.")


@require_http_methods(["GET", "POST"])
@agent_required
def case_refer(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    case = case_for_agent(agent, case_id)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = handovers.refer_case(
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
            "agents": Agent.objects.exclude(pk=agent.pk).order_by("display_name"),
            "teams": Team.objects.order_by("name"),
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
            appointment = handovers.book_appointment(
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
            "agents": Agent.objects.order_by("display_name"),
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
            "draft": handovers.draft_introduction(referral, now=timezone.now()),
            "is_specialist": handovers.may_act_as_specialist(agent, referral),
        },
    )


def _referral_action(
    request: HttpRequest, agent: Agent, referral_id: int, step: str
) -> HttpResponse:
    referral = referral_for_agent(agent, referral_id)
    fallback = reverse("care_referral", kwargs={"referral_id": referral.pk})
    try:
        if step == "introduce":
            intro = IntroductionForm(request.POST)
            if not intro.is_valid():
                return _refused(request, fallback, first_error(intro))
            handovers.send_introduction(
                referral=referral, by=agent, text=intro.cleaned_data["text"]
            )
            return _done(request, fallback, "Introduction sent, signed with your name.")
        form = NoteForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        if step == "acknowledge":
            handovers.acknowledge_referral(referral=referral, by=agent, note=note)
            return _done(request, fallback, "Acknowledged: the case is with you now.")
        handovers.hand_back_referral(referral=referral, by=agent, note=note)
        return _done(request, fallback, "Handed back to the customer's own agent.")
    except ActionError as exc:
        return _refused(request, fallback, exc.message)


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
    form = WordOfMouthForm(request.POST)
    fallback = reverse("care_customer", kwargs={"customer_id": customer.pk})
    if not form.is_valid():
        return _refused(request, fallback, first_error(form))
    data = form.cleaned_data
    other = None
    if data["other_customer"]:
        try:
            other = customer_for_agent(agent, data["other_customer"])
        except Http404:
            return _refused(request, fallback, f"There is no customer #{data['other_customer']}.")
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
    try:
        row = record_word_of_mouth(by=agent, on=data["on"], note=data["note"], **sides)
    except ActionError as exc:
        return _refused(request, fallback, exc.message)
    return _done(
        request, fallback, f"Recorded: {row.referrer_name} recommended us to {row.referred_name}."
    )
