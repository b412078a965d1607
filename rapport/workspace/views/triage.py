"""Agents correcting triage on the case page; supervisors watching what triage learns."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from rapport.cases.models import Case
from rapport.lib.answers import post_action
from rapport.people.decorators import agent_required, supervisor_required
from rapport.people.models import Agent
from rapport.triage.actions.corrections import correct_signal
from rapport.triage.actions.models import activate_model
from rapport.triage.explain import CLAIM, UNDO
from rapport.triage.overview import describe, overview
from rapport.workspace.forms import TriageActivateForm, TriageCorrectionForm
from rapport.workspace.views.cases import _on_case_page


@require_POST
@agent_required
def case_triage_correct(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    def run(case: Case, data: dict[str, Any]) -> str:
        correct_signal(
            agent=agent,
            case=case,
            signal=data["signal"],
            value=data["value"],
            reading=data["reading"] or None,
        )
        word = (CLAIM if data["value"] else UNDO)[data["signal"]]
        return f"Triage corrected: {word.lower()}."

    return _on_case_page(request, agent, case_id, TriageCorrectionForm, run)


@require_GET
@agent_required
@supervisor_required
def triage_models(request: HttpRequest, agent: Agent) -> HttpResponse:
    """Which model decides, its figures, and what agents corrected lately."""
    return render(request, "workspace/triage_models.html", {"overview": overview()})


@require_POST
@agent_required
@supervisor_required
def triage_model_activate(request: HttpRequest, agent: Agent) -> HttpResponse:
    """Choose which model decides: a stored desk model, or the shipped one (a roll-back)."""

    def run(data: dict[str, Any]) -> str:
        version = data["version"]
        chosen = activate_model(version=None if version == "shipped" else version, by=agent)
        return f"{describe(chosen)} decides now."

    url = reverse("triage_models")
    return post_action(request, run, form=TriageActivateForm(request.POST), back=url, then=url)
