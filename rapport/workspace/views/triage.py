"""Agents correcting triage on the case page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from rapport.cases.models import Case
from rapport.people.decorators import agent_required
from rapport.people.models import Agent
from rapport.triage.actions.corrections import correct_signal
from rapport.triage.explain import CLAIM, UNDO
from rapport.workspace.forms import TriageCorrectionForm
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
