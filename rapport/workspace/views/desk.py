"""Desk settings for supervisors: the sites' opening hours and closures, and the service levels;
first, what the scheduler's sweeps put off after failing (as `/api/v1/desk/deferred` lists it).
The businesses, sites and teams themselves have their own pages (desk_organisation.py).

Each form calls the routing action that `rapport site-hours`, `site-closure`, `sla-policy` and
`/api/v1/desk/` call; the actions check that the person is a supervisor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from rapport.jobs.items import put_off_report
from rapport.lib.answers import Action, next_url, post_action
from rapport.lib.errors import ActionError
from rapport.lib.forms import Form
from rapport.lib.hours import DAY_KEYS, HoursError, hours_as_text, hours_from_text, parse_weekly
from rapport.people.access import site_by_id
from rapport.people.decorators import agent_required, supervisor_required
from rapport.people.models import Agent, Brand, Channel, Site
from rapport.routing.access import sla_policy_by_id
from rapport.routing.actions import desk as actions
from rapport.routing.models import SlaPolicy


class HoursForm(Form):
    hours = forms.CharField(required=False, max_length=500)


DAY_LABELS = dict(zip(DAY_KEYS, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True))
SHIFTS_A_DAY = 2


@dataclass(frozen=True)
class DayRow:
    key: str
    label: str
    open: bool
    shifts: list[tuple[str, str]]  # SHIFTS_A_DAY pairs, "" where unused


def week_grid(hours: dict[str, list[list[str]]]) -> list[DayRow]:
    """The week as rows of a grid: each day open or closed, with up to two shifts."""
    rows = []
    for key in DAY_KEYS:
        shifts = [(str(a), str(b)) for a, b in hours.get(key, [])][:SHIFTS_A_DAY]
        shifts += [("", "")] * (SHIFTS_A_DAY - len(shifts))
        rows.append(DayRow(key, DAY_LABELS[key], bool(hours.get(key)), shifts))
    return rows


def hours_from_grid(data: QueryDict) -> dict[str, list[list[str]]]:
    """What the grid posted, as `working_hours` ({} around the clock); checked like the text."""
    if data.get("around_the_clock"):
        return {}
    hours: dict[str, list[list[str]]] = {}
    for key in DAY_KEYS:
        if not data.get(f"{key}-open"):
            continue
        for n in range(1, SHIFTS_A_DAY + 1):
            start, end = data.get(f"{key}-start-{n}", ""), data.get(f"{key}-end-{n}", "")
            if start and end:
                # 00:00 to 00:00 is the whole day (a time field cannot say 24:00).
                end = "24:00" if start == end == "00:00" else end
                hours.setdefault(key, []).append([start, end])
            elif start or end:
                raise HoursError(f"{DAY_LABELS[key]}: give both the opening and the closing time")
        if key not in hours:
            raise HoursError(f"{DAY_LABELS[key]} is open: give its hours, or untick it")
    if not hours:
        raise HoursError("Tick the open days, or choose around the clock")
    parse_weekly(hours)  # the same checks as the text form
    return hours


class ClosureForm(Form):
    day = forms.DateField()
    reason = forms.CharField(required=False, max_length=200)


class PolicyForm(Form):
    priority = forms.ChoiceField(choices=SlaPolicy.Priority.choices)
    channel = forms.ChoiceField(choices=[("", "Any channel"), *Channel.choices], required=False)
    first = forms.IntegerField(min_value=1, label="First answer (minutes)")
    next = forms.IntegerField(min_value=1, label="Next answer (minutes)")
    resolution = forms.IntegerField(min_value=1, label="Resolved (minutes)")
    around_the_clock = forms.BooleanField(required=False)


def _on_desk(request: HttpRequest, action: Action, form: forms.Form | None = None) -> HttpResponse:
    """Every form of the desk page answers back on it (`post_action`)."""
    return post_action(request, action, form=form, back=reverse("desk"))


def _on_site(request: HttpRequest, action: Action, form: forms.Form | None = None) -> HttpResponse:
    """A site's hours and closed days answer on the page they were sent from (`next`: the desk
    page or the site's own)."""
    return post_action(request, action, form=form, back=next_url(request, reverse("desk")))


@require_GET
@agent_required
@supervisor_required
def desk(request: HttpRequest, agent: Agent) -> HttpResponse:
    sites = list(Site.objects.prefetch_related("closures").order_by("name"))
    rows = [
        (site, hours_as_text(site.working_hours or {}), week_grid(site.working_hours or {}))
        for site in sites
    ]
    policies = list(SlaPolicy.objects.order_by("priority", "channel"))
    return render(
        request,
        "workspace/desk.html",
        {
            "put_off": put_off_report(),
            "sites": rows,
            "policies": policies,
            "policy_form": PolicyForm(),
            "brands": list(Brand.objects.prefetch_related("teams").order_by("name")),
        },
    )


@require_POST
@agent_required
@supervisor_required
def desk_hours(request: HttpRequest, agent: Agent, site_id: int) -> HttpResponse:
    site = site_by_id(site_id)

    def run(data: dict[str, Any]) -> str:
        try:
            if request.POST.get("grid"):
                hours = hours_from_grid(request.POST)
            else:
                text = data["hours"].strip()
                hours = hours_from_text(text) if text else {}
            actions.set_site_hours(site=site, working_hours=hours, by=agent)
        except (HoursError, ActionError) as exc:
            raise ActionError(f"{site.name}: {exc}") from exc
        return f"{site.name}: {hours_as_text(hours) or 'open around the clock'}."

    return _on_site(request, run, HoursForm(request.POST))


@require_POST
@agent_required
@supervisor_required
def desk_closure_add(request: HttpRequest, agent: Agent, site_id: int) -> HttpResponse:
    site = site_by_id(site_id)

    def run(data: dict[str, Any]) -> str:
        day: date = data["day"]
        actions.add_closure(site=site, day=day, reason=data["reason"], by=agent)
        return f"{site.name} closed on {day:%a %d %b %Y}."

    return _on_site(request, run, ClosureForm(request.POST))


@require_POST
@agent_required
@supervisor_required
def desk_closure_remove(request: HttpRequest, agent: Agent, site_id: int, day: str) -> HttpResponse:
    site = site_by_id(site_id)
    try:
        when = date.fromisoformat(day)
    except ValueError as exc:
        raise Http404("No such day") from exc

    def run(data: dict[str, Any]) -> str:
        if not actions.remove_closure(site=site, day=when, by=agent):
            raise ActionError(f"{site.name} was not closed on {when}.")
        return f"{site.name} is open on {when:%a %d %b %Y} after all."

    return _on_site(request, run)


@require_POST
@agent_required
@supervisor_required
def desk_policy(request: HttpRequest, agent: Agent) -> HttpResponse:
    def run(data: dict[str, Any]) -> str:
        policy = actions.set_sla_policy(
            priority=data["priority"],
            channel=data["channel"],
            first_response=timedelta(minutes=data["first"]),
            next_response=timedelta(minutes=data["next"]),
            resolution=timedelta(minutes=data["resolution"]),
            business_hours=not data["around_the_clock"],
            by=agent,
        )
        return f"Service level for {policy} saved."

    return _on_desk(request, run, PolicyForm(request.POST))


@require_POST
@agent_required
@supervisor_required
def desk_policy_remove(request: HttpRequest, agent: Agent, policy_id: int) -> HttpResponse:
    policy = sla_policy_by_id(policy_id)

    def run(data: dict[str, Any]) -> str:
        actions.remove_sla_policy(priority=policy.priority, channel=policy.channel, by=agent)
        return f"{policy}: back to the built-in target."

    return _on_desk(request, run)
