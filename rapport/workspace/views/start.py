"""`/cases/new/`: one form that starts a case for a customer picked or typed in, with its first
entry; and the customers that match what is typed, shown before anything is saved."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from rapport.cases import transports
from rapport.cases.access import agent_team_ids, customer_to_file_for
from rapport.cases.matches import Matches, customer_matches
from rapport.lib.access import named
from rapport.lib.errors import ActionError
from rapport.lib.forms import first_error
from rapport.people.access import team_by_id
from rapport.people.decorators import agent_required
from rapport.people.models import Agent, Customer, Team
from rapport.routing.actions.starting import Started, start_case
from rapport.workspace.starting import ADDRESSES, StartCaseForm


def _teams(agent: Agent) -> list[tuple[int, str]]:
    """The teams the agent may open a case in: their own (a supervisor: every team)."""
    teams = (
        Team.objects.all()
        if agent.is_supervisor
        else Team.objects.filter(pk__in=agent_team_ids(agent))
    )
    return list(teams.order_by("name", "pk").values_list("pk", "name"))


def _picked(agent: Agent, customer_id: int | None) -> Customer | None:
    """The customer the agent picked (a 400 naming the field for one they may not see)."""
    find = partial(customer_to_file_for, agent)
    return named(find, customer_id, field="customer", what="customer")


def _id(raw: str) -> int | None:
    return int(raw) if raw.strip().isdigit() else None


def _notice(started: Started) -> str:
    case = started.case
    opened = f"Case {case.reference} opened for {case.customer.name}"
    if started.message is not None:
        told = transports.caveat_of(transports.transport_for(started.message.channel))
        caveat = f" {told}" if told else ""
        by = started.message.get_channel_display().lower()
        return f"{opened}; your message is queued to go out by {by}.{caveat}"
    if started.call is not None:
        return f"{opened} with the call logged."
    return f"{opened}."


@require_http_methods(["GET", "POST"])
@agent_required
def case_new(request: HttpRequest, agent: Agent) -> HttpResponse:
    teams = _teams(agent)
    if request.method == "GET":
        form = StartCaseForm(initial={"customer": request.GET.get("customer", "")}, teams=teams)
        try:
            picked = _picked(agent, _id(request.GET.get("customer", "")))
        except ActionError:
            picked = None  # a stale or foreign link: start with a new customer
        return render(request, "workspace/case_new.html", {"form": form, "picked": picked})
    form = StartCaseForm(request.POST, teams=teams)
    picked = None
    try:
        if not form.is_valid():
            raise ActionError(first_error(form))
        data = form.cleaned_data
        picked = _picked(agent, data["customer"])
        started = start_case(
            by=agent,
            customer=picked or form.new_customer(),
            first=data["first_entry"],
            text=data["text"],
            subject=data["subject"],
            channel=form.asked_channel(),
            call=form.call_details(agent),
            priority=data["priority"],
            team=named(team_by_id, _id(data["team"]), field="team", what="team"),
            route=data["assign"] == "route",
        )
    except ActionError as exc:
        # Refused: the same page with everything as typed, and why.
        context: dict[str, Any] = {
            "form": form,
            "picked": picked,
            "error": exc.message,
            "field": exc.field,
        }
        if picked is None:  # who they may have meant, ready to pick
            context["matches"] = _matches(agent, request.POST)
        return render(request, "workspace/case_new.html", context, status=exc.status_code)
    messages.success(request, _notice(started))
    return redirect(reverse("case", kwargs={"case_id": started.case.pk}))


@require_GET
@agent_required
def case_new_matches(request: HttpRequest, agent: Agent) -> HttpResponse:
    """The customers who may already be the person typed in (a fragment of the form)."""
    context = {"matches": _matches(agent, request.GET)}
    return render(request, "workspace/case_new/_matches.html", context)


def _matches(agent: Agent, typed: QueryDict) -> Matches:
    addresses = [(kind, typed.get(field, "")[:320]) for field, kind in ADDRESSES.items()]
    return customer_matches(agent, name=typed.get("name", "")[:200], typed=addresses)
