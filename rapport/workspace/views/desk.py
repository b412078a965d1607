"""Desk settings for supervisors: the sites' opening hours and closures, and the service levels.

Each form calls the routing action that `rapport site-hours`, `site-closure`, `sla-policy` and
`/api/v1/desk/` call; the actions check that the person is a supervisor.
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from rapport.lib.errors import ActionError
from rapport.lib.hours import HoursError, hours_as_text, hours_from_text
from rapport.people.models import Agent, Channel, Site
from rapport.routing import actions
from rapport.routing.models import SlaPolicy
from rapport.workspace.decorators import agent_required


class HoursForm(forms.Form):
    hours = forms.CharField(required=False, max_length=500)


class ClosureForm(forms.Form):
    day = forms.DateField()
    reason = forms.CharField(required=False, max_length=200)


class PolicyForm(forms.Form):
    priority = forms.ChoiceField(choices=SlaPolicy.Priority.choices)
    channel = forms.ChoiceField(choices=[("", "Any channel"), *Channel.choices], required=False)
    first = forms.IntegerField(min_value=1, label="First answer (minutes)")
    next = forms.IntegerField(min_value=1, label="Next answer (minutes)")
    resolution = forms.IntegerField(min_value=1, label="Resolved (minutes)")
    around_the_clock = forms.BooleanField(required=False)


def _supervisor_only(agent: Agent) -> None:
    if not agent.is_supervisor:
        raise Http404("No such page")


def _site(site_id: int) -> Site:
    site = Site.objects.filter(pk=site_id).first()
    if site is None:
        raise Http404("No such site")
    return site


def _back(request: HttpRequest, notice: str = "", error: str = "") -> HttpResponse:
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect("desk")


def _form_error(form: forms.Form) -> str:
    return " ".join(
        f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items()
    )


@require_GET
@agent_required
def desk(request: HttpRequest, agent: Agent) -> HttpResponse:
    _supervisor_only(agent)
    sites = list(Site.objects.prefetch_related("closures").order_by("name"))
    rows = [(site, hours_as_text(site.working_hours or {})) for site in sites]
    policies = list(SlaPolicy.objects.order_by("priority", "channel"))
    return render(
        request,
        "workspace/desk.html",
        {"sites": rows, "policies": policies, "policy_form": PolicyForm()},
    )


@require_POST
@agent_required
def desk_hours(request: HttpRequest, agent: Agent, site_id: int) -> HttpResponse:
    _supervisor_only(agent)
    site = _site(site_id)
    form = HoursForm(request.POST)
    if not form.is_valid():
        return _back(request, error=_form_error(form))
    try:
        text = form.cleaned_data["hours"].strip()
        hours = hours_from_text(text) if text else {}
        actions.set_site_hours(site=site, working_hours=hours, by=agent)
    except (HoursError, ActionError) as exc:
        return _back(request, error=f"{site.name}: {exc}")
    shown = hours_as_text(hours) or "open around the clock"
    return _back(request, f"{site.name}: {shown}.")


@require_POST
@agent_required
def desk_closure_add(request: HttpRequest, agent: Agent, site_id: int) -> HttpResponse:
    _supervisor_only(agent)
    site = _site(site_id)
    form = ClosureForm(request.POST)
    if not form.is_valid():
        return _back(request, error=_form_error(form))
    day: date = form.cleaned_data["day"]
    try:
        actions.add_closure(site=site, day=day, reason=form.cleaned_data["reason"], by=agent)
    except ActionError as exc:
        return _back(request, error=str(exc))
    return _back(request, f"{site.name} closed on {day:%a %d %b %Y}.")


@require_POST
@agent_required
def desk_closure_remove(request: HttpRequest, agent: Agent, site_id: int, day: str) -> HttpResponse:
    _supervisor_only(agent)
    site = _site(site_id)
    try:
        when = date.fromisoformat(day)
    except ValueError as exc:
        raise Http404("No such day") from exc
    if not actions.remove_closure(site=site, day=when, by=agent):
        return _back(request, error=f"{site.name} was not closed on {when}.")
    return _back(request, f"{site.name} is open on {when:%a %d %b %Y} after all.")


@require_POST
@agent_required
def desk_policy(request: HttpRequest, agent: Agent) -> HttpResponse:
    _supervisor_only(agent)
    form = PolicyForm(request.POST)
    if not form.is_valid():
        return _back(request, error=_form_error(form))
    data = form.cleaned_data
    try:
        policy = actions.set_sla_policy(
            priority=data["priority"],
            channel=data["channel"],
            first_response=timedelta(minutes=data["first"]),
            next_response=timedelta(minutes=data["next"]),
            resolution=timedelta(minutes=data["resolution"]),
            business_hours=not data["around_the_clock"],
            by=agent,
        )
    except ActionError as exc:
        return _back(request, error=str(exc))
    return _back(request, f"Service level for {policy} saved.")


@require_POST
@agent_required
def desk_policy_remove(request: HttpRequest, agent: Agent, policy_id: int) -> HttpResponse:
    _supervisor_only(agent)
    policy = SlaPolicy.objects.filter(pk=policy_id).first()
    if policy is None:
        raise Http404("No such policy")
    actions.remove_sla_policy(priority=policy.priority, channel=policy.channel, by=agent)
    return _back(request, f"{policy}: back to the built-in target.")
