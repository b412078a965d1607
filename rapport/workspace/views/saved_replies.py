"""Saved replies: the page where agents keep their teams' (and supervisors everyone's), each
business's policy on template text sent unedited, and the composer's search over the same data
(`saved_replies_for_case`, what GET /api/v1/saved-replies?case_id= answers)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.cases.access import (
    agent_team_ids,
    case_for_agent,
    saved_replies_for_agent,
    saved_replies_for_case,
    saved_reply_for_agent,
)
from rapport.cases.actions import saved_replies as actions
from rapport.cases.models import Case, SavedReply
from rapport.cases.rules import MAX_TEXT
from rapport.cases.saved_replies import PLACEHOLDERS, filled, matching, refuses_unedited
from rapport.lib.access import named
from rapport.lib.answers import is_htmx, post_action
from rapport.lib.forms import Form
from rapport.people.access import brand_by_id, team_by_id
from rapport.people.decorators import agent_required, supervisor_required
from rapport.people.models import Agent, Brand, Team

SHOWN_IN_COMPOSER = 8


class SavedReplyForm(Form):
    title = forms.CharField(max_length=actions.MAX_TITLE, label="Title")
    text = forms.CharField(strip=False, widget=forms.Textarea, label="Text")
    brand = forms.IntegerField(required=False, min_value=1, label="Business")
    team = forms.IntegerField(required=False, min_value=1, label="Team")


class PolicyForm(Form):
    refuse_unedited = forms.BooleanField(required=False)


def _list_url() -> str:
    return reverse("saved_replies")


def _choices(agent: Agent) -> dict[str, Any]:
    teams = Team.objects.all() if agent.is_supervisor else agent.teams.all()
    return {
        "brands": list(Brand.objects.all()),
        "teams": list(teams.select_related("brand")),
        "placeholders": [f"{{{name}}}" for name in PLACEHOLDERS],
    }


def _saved(agent: Agent, data: dict[str, Any], *, saved: SavedReply | None = None) -> str:
    brand = named(brand_by_id, data["brand"], field="brand", what="business")
    team = named(team_by_id, data["team"], field="team", what="team")
    fields = {"title": data["title"], "text": data["text"], "brand": brand, "team": team}
    if saved is None:
        created = actions.create_saved_reply(**fields, by=agent)
        return f"Saved reply “{created.title}” added."
    actions.update_saved_reply(saved_reply=saved, **fields, by=agent)
    return f"Saved reply “{saved.title}” saved."


@require_GET
@agent_required
def saved_replies(request: HttpRequest, agent: Agent) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    replies = list(matching(saved_replies_for_agent(agent), q))
    mine = set(agent_team_ids(agent))
    editable = {s.pk for s in replies if agent.is_supervisor or s.team_id in mine}
    context = {"saved_replies": replies, "editable": editable, "q": q, **_choices(agent)}
    return render(request, "workspace/saved_replies.html", context)


@require_POST
@agent_required
def saved_reply_add(request: HttpRequest, agent: Agent) -> HttpResponse:
    return post_action(
        request,
        partial(_saved, agent),
        form=SavedReplyForm(request.POST),
        back=_list_url(),
    )


@require_http_methods(["GET", "POST"])
@agent_required
def saved_reply_edit(request: HttpRequest, agent: Agent, saved_reply_id: int) -> HttpResponse:
    saved = saved_reply_for_agent(agent, saved_reply_id)
    if request.method == "POST":
        return post_action(
            request,
            partial(_saved, agent, saved=saved),
            form=SavedReplyForm(request.POST),
            back=reverse("saved_reply_edit", args=[saved.pk]),
            then=_list_url(),
        )
    context = {"saved": saved, **_choices(agent)}
    return render(request, "workspace/saved_reply_edit.html", context)


@require_POST
@agent_required
def saved_reply_delete(request: HttpRequest, agent: Agent, saved_reply_id: int) -> HttpResponse:
    saved = saved_reply_for_agent(agent, saved_reply_id)

    def run(data: dict[str, Any]) -> str:
        actions.delete_saved_reply(saved_reply=saved, by=agent)
        return f"Saved reply “{saved.title}” deleted."

    return post_action(request, run, back=_list_url())


@require_POST
@agent_required
@supervisor_required
def template_policy(request: HttpRequest, agent: Agent, brand_id: int) -> HttpResponse:
    brand = brand_by_id(brand_id)

    def run(data: dict[str, Any]) -> str:
        refuse = data["refuse_unedited"]
        actions.set_template_policy(brand=brand, refuse_unedited=refuse, by=agent)
        if refuse:
            return f"{brand.name} refuses a saved reply or an outreach draft sent unedited."
        return f"{brand.name} lets a saved reply or an outreach draft go out unedited (counted)."

    return post_action(request, run, form=PolicyForm(request.POST), back=_list_url())


@require_GET
@agent_required
def case_saved_replies(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    """The composer's search: the saved replies for this case, filled for its customer and you."""
    case = case_for_agent(agent, case_id)
    q = request.GET.get("q", "").strip()[:200]
    context = {"case": case, "found": _found(agent, case, q), "q": q, "searched": True}
    return render(request, "workspace/case/_saved_replies.html", context)


def _found(agent: Agent, case: Case, q: str) -> list[SavedReply]:
    found = list(matching(saved_replies_for_case(agent, case), q)[:SHOWN_IN_COMPOSER])
    for saved in found:
        saved.filled = filled(saved.text, customer=case.customer, agent=agent)  # type: ignore[attr-defined]
    return found


def _draft_key(case_id: int) -> str:
    return f"composer-draft-{case_id}"


def keep_draft(request: HttpRequest, case_id: int, kind: str) -> None:
    """A page without JavaScript is redirected after a refusal: keep what was typed until the
    case page shows it again (`forget_draft` once the action succeeded)."""
    if is_htmx(request):
        return  # the text stays in the browser's form
    request.session[_draft_key(case_id)] = {
        "kind": kind,
        "text": request.POST.get("text", "")[: 2 * MAX_TEXT],
        "saved_reply_id": request.POST.get("saved_reply_id", ""),
    }


def forget_draft(request: HttpRequest, case_id: int) -> None:
    request.session.pop(_draft_key(case_id), None)


def _chosen_saved_reply(agent: Agent, case: Case, value: str) -> SavedReply | None:
    """The saved reply `value` names, if this agent may start a reply on `case` from it."""
    if not value.isdigit():
        return None
    return saved_replies_for_case(agent, case).filter(pk=int(value)).first()


def composer_context(request: HttpRequest, agent: Agent, case: Case) -> dict[str, Any]:
    """What the composer starts with: a saved reply picked (`?saved_reply=`), the search
    (`?saved_q=`) without JavaScript, or the text a refused form kept."""
    draft = request.session.pop(_draft_key(case.pk), None) or {}
    context: dict[str, Any] = {
        "max_text": MAX_TEXT,
        "refuses_unedited": refuses_unedited(case.brand),
        "start_note": draft.get("text", "") if draft.get("kind") == "note" else "",
    }
    picked = request.GET.get("saved_reply", "") or str(draft.get("saved_reply_id", ""))
    saved = _chosen_saved_reply(agent, case, picked)
    if saved is not None:
        template = filled(saved.text, customer=case.customer, agent=agent)
        context |= {"start_saved": saved, "start_template": template, "start_text": template}
    if draft.get("kind") == "reply":
        context["start_text"] = draft.get("text", "")
    if "saved_q" in request.GET:
        q = request.GET["saved_q"].strip()[:200]
        context |= {"saved_q": q, "saved_found": _found(agent, case, q), "saved_searched": True}
    return context
