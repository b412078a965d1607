"""Working a queue from the inbox: change the ticked cases at once, claim a case, and save
the filter and order as a view of one's own."""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.views.decorators.http import require_POST

from rapport.cases.access import case_for_agent, saved_view_for_agent
from rapport.cases.actions.assignment import assign_case
from rapport.cases.actions.bulk import BulkAction, BulkResult, apply_to_cases
from rapport.cases.actions.saved_views import FILTER_NAMES, delete_view, save_view
from rapport.cases.models import SavedView, Status
from rapport.lib.access import named
from rapport.lib.answers import Elsewhere, next_url, post_action
from rapport.people.access import agent_by_id, team_by_id
from rapport.people.decorators import agent_required
from rapport.people.models import Agent
from rapport.workspace.forms import BulkForm, SavedViewForm


def _what_was_done(data: dict[str, Any], owner: Agent | None, team_name: str) -> str:
    return {
        BulkAction.ASSIGN: f"assigned to {owner.display_name if owner else ''}",
        BulkAction.TEAM: f"moved to {team_name}",
        BulkAction.STATUS: f"set to {Status(data['status']).label.lower()}"
        if data["status"]
        else "",
        BulkAction.TAG: f"tagged “{data['tag'].strip().lower()}”",
        BulkAction.MERGE: f"merged into #{data['into']}",
    }[data["action"]]


def summary(result: BulkResult, what: str) -> str:
    """ "3 of 4 cases assigned to Dr. Ben Hale; 1 refused (see why below).\""""
    total = len(result.done) + len(result.refused)
    cases = "case" if total == 1 else "cases"
    text = f"{len(result.done)} of {total} {cases} {what}"
    if result.refused:
        text += f"; {len(result.refused)} refused (see why below)"
    return text + "."


@require_POST
@agent_required
def cases_bulk(request: HttpRequest, agent: Agent) -> HttpResponse:
    """The inbox's bar: one action on the ticked cases; done and refused counted, each refusal
    with its reason."""
    outcome: list[BulkResult] = []

    def run(data: dict[str, Any]) -> str:
        owner = named(agent_by_id, data["owner"], field="owner", what="agent")
        team = named(team_by_id, data["team"], field="team", what="team")
        into = named(partial(case_for_agent, agent), data["into"], field="into", what="case")
        result = apply_to_cases(
            case_ids=data["case"],
            action=data["action"],
            by=agent,
            owner=owner,
            team=team,
            status=data["status"],
            tag=data["tag"],
            into=into,
            reason=data["reason"],
        )
        outcome.append(result)
        return summary(result, _what_was_done(data, owner, str(team or "")))

    response = post_action(
        request, run, form=BulkForm(request.POST), back=next_url(request, reverse("inbox"))
    )
    for result in outcome:
        for refusal in result.refused:
            messages.warning(request, f"#{refusal.id} refused: {refusal.reason}")
    return response


@require_POST
@agent_required
def case_claim(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    """Assign to me, from the inbox or the case page (back to where it was pressed)."""
    case = case_for_agent(agent, case_id)

    def run(_: dict[str, Any]) -> str:
        if case.owner_id == agent.pk:
            return f"Case {case.reference} was already yours."
        assign_case(case=case, owner=agent, by=agent)
        return f"Case {case.reference} is yours now."

    return post_action(request, run, back=next_url(request, reverse("case", args=[case.pk])))


def inbox_filters(params: QueryDict) -> dict[str, str]:
    """The filter and order of an inbox address (no page position), as a view saves them."""
    return {name: str(params.get(name)) for name in FILTER_NAMES if params.get(name)}


def view_url(view: SavedView) -> str:
    """The inbox address of a saved view, its parameters in the inbox's order (PostgreSQL's
    jsonb keeps its own key order)."""
    ordered = [(name, view.filters[name]) for name in FILTER_NAMES if name in view.filters]
    return f"{reverse('inbox')}?{urlencode(ordered)}"


@require_POST
@agent_required
def saved_view_save(request: HttpRequest, agent: Agent) -> HttpResponse:
    """Save the inbox as it is filtered and ordered now under a name (the same name: replaced)."""

    def run(data: dict[str, Any]) -> Elsewhere:
        filters = inbox_filters(QueryDict(data["query"].lstrip("?")))
        view = save_view(agent=agent, name=data["name"], filters=filters)
        return Elsewhere(f"Saved the view “{view.name}”.", view_url(view))

    back = next_url(request, reverse("inbox"))
    return post_action(request, run, form=SavedViewForm(request.POST), back=back)


@require_POST
@agent_required
def saved_view_delete(request: HttpRequest, agent: Agent, view_id: int) -> HttpResponse:
    view = saved_view_for_agent(agent, view_id)

    def run(_: dict[str, Any]) -> str:
        delete_view(view=view)
        return f"Deleted the view “{view.name}”."

    return post_action(request, run, back=next_url(request, reverse("inbox")))
