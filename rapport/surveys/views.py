"""The customer's survey page and a promoter's referral page: public, no JavaScript needed.

A GET only shows the question (link scanners open every link in a mail: nothing is recorded);
the answer is a POST of the page's form, with its CSRF token, rate-limited per address
(`RAPPORT_RATE_SURVEY`, rapport/workspace/ratelimits.py). A link that does not verify, names no
survey, or has closed shows the same page without anything of the case.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.lib.answers import next_url, post_action
from rapport.lib.errors import ActionError
from rapport.lib.forms import Form
from rapport.people.decorators import agent_required, supervisor_required
from rapport.people.models import Agent, Customer
from rapport.surveys import selectors
from rapport.surveys.access import survey_for_agent
from rapport.surveys.actions.answers import answer_survey, opt_out
from rapport.surveys.actions.referrals import refer_a_friend
from rapport.surveys.actions.sending import send_now as send_survey_now
from rapport.surveys.links import referrer_for_token, survey_for_token
from rapport.surveys.models import Survey, SurveyKind, SurveyOptOut, SurveyStatus

CSAT_LABELS = {1: "Very poor", 2: "Poor", 3: "OK", 4: "Good", 5: "Excellent"}


class AnswerForm(Form):
    score = forms.IntegerField(error_messages={"required": "Choose a score first."})
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)
    thank = forms.CharField(required=False, max_length=200)
    heard_from = forms.CharField(required=False, max_length=200)


class ReferralForm(Form):
    name = forms.CharField(max_length=200, label="Your name")
    email = forms.EmailField(label="Your email", help_text="So we can write back.")
    about = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 4}), label="How can we help?"
    )


def _scores(survey: Survey, chosen: Any) -> list[dict[str, Any]]:
    low, high = survey.scale
    return [
        {
            "value": n,
            "label": CSAT_LABELS.get(n, "") if survey.kind == SurveyKind.CSAT else "",
            "checked": str(n) == str(chosen),
        }
        for n in range(low, high + 1)
    ]


def _closed(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "surveys/closed.html", {"message": message}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    survey = survey_for_token(token)
    if survey is None or survey.status in (SurveyStatus.SCHEDULED, SurveyStatus.SKIPPED):
        return _closed(request, "This survey link does not work.", 404)
    if survey.status == SurveyStatus.ANSWERED:
        return render(request, "surveys/thanks.html", {"survey": survey, "again": True})
    if survey.status == SurveyStatus.EXPIRED:
        return _closed(request, "This survey has closed. Thank you all the same.", 410)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            answered = answer_survey(
                survey=survey,
                score=data["score"],
                comment=data["comment"],
                thank=data["thank"],
                heard_from=data["heard_from"],
            )
        except ActionError as error:
            if error.field is None:
                return _closed(request, error.message, 409)
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return render(request, "surveys/thanks.html", {"survey": answered, "again": False})
    chosen = request.POST.get("score") if request.method == "POST" else request.GET.get("score")
    context = {
        "survey": survey,
        "form": form,
        "scores": _scores(survey, chosen),
        "opted_out": SurveyOptOut.objects.filter(customer_id=survey.customer_id).exists(),
    }
    return render(
        request, "surveys/answer.html", context, status=400 if request.method == "POST" else 200
    )


@require_http_methods(["POST"])
def stop(request: HttpRequest, token: str) -> HttpResponse:
    """ "Don't ask me again": recorded for the customer the link belongs to."""
    survey = survey_for_token(token)
    if survey is None or survey.status in (SurveyStatus.SCHEDULED, SurveyStatus.SKIPPED):
        return _closed(request, "This survey link does not work.", 404)
    opt_out(customer=survey.customer, survey=survey, via="the survey page")
    return render(request, "surveys/opted_out.html", {"survey": survey})


@require_http_methods(["GET", "HEAD", "POST"])
def referral(request: HttpRequest, token: str) -> HttpResponse:
    referrer = referrer_for_token(token)
    if referrer is None:
        return _closed(request, "This link does not work.", 404)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = refer_a_friend(referrer=referrer, **form.cleaned_data)
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return render(request, "surveys/referred.html", {"case": case})
    return render(
        request,
        "surveys/referral.html",
        {"form": form, "first_name": referrer.greeting_name.split(" ")[0]},
        status=400 if request.method == "POST" else 200,
    )


# ---------------------------------------------------------------------------- the desk's side


@require_POST
@agent_required
@supervisor_required(hidden=False)
def send_now(request: HttpRequest, agent: Agent, survey_id: int) -> HttpResponse:
    """The case page's "Send now" (the API's send-now): skips the delay, not the rules."""
    survey = survey_for_agent(agent, survey_id)

    def run(_data: dict[str, Any]) -> str:
        outcome = send_survey_now(survey=survey, by=agent, now=timezone.now())
        done = outcome.survey
        if outcome.what == "sent":
            return f"The {done.get_kind_display()} survey went out by {done.channel}."
        if outcome.what == "skipped":
            return f"Not sent: {done.get_skip_reason_display().lower()}."
        local = done.due_at.astimezone(ZoneInfo(done.customer.timezone))
        return f"Not yet: it goes out {local:%a %-d %b %H:%M} ({done.customer.timezone})."

    back = next_url(request, reverse("case", kwargs={"case_id": survey.case_id}))
    return post_action(request, run, back=back)


@require_GET
@agent_required
def results(request: HttpRequest, agent: Agent) -> HttpResponse:
    """Supervisors: the desk, each agent and word of mouth per relationship owner. An agent:
    their own figures and the recommendations from the customers they own."""
    surveys = Survey.objects.all()
    customers = Customer.objects.all()
    if not agent.is_supervisor:
        surveys, customers = surveys.filter(agent=agent), customers.filter(owner=agent)
    return render(
        request,
        "surveys/results.html",
        {
            "overall": selectors.results(surveys),
            "by_agent": selectors.results_by_agent(surveys),
            "referrals": selectors.referrals_by_relationship(customers),
            "recent": selectors.recent_answers(surveys),
        },
    )
