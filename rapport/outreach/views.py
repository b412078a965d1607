"""Incidents, outreach tasks and make-goods in the workspace: parse, one action, redirect."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from rapport.cases.access import asset_for_agent, case_for_agent
from rapport.cases.models import CallOutcome
from rapport.lib.access import named
from rapport.lib.answers import Elsewhere, next_url, post_action
from rapport.outreach import selectors
from rapport.outreach.actions.imports import start_import
from rapport.outreach.actions.incidents import close_incident, create_incident
from rapport.outreach.actions.make_goods import (
    decide_make_good,
    record_make_good,
    set_approval_limit,
)
from rapport.outreach.actions.tasks import (
    add_audience,
    draft_text,
    log_outreach_call,
    record_outreach_result,
    send_outreach_message,
)
from rapport.outreach.forms import (
    AudienceForm,
    CallForm,
    DecideForm,
    ImportForm,
    IncidentForm,
    LimitForm,
    MakeGoodForm,
    MessageForm,
    ResultForm,
    TotalsForm,
)
from rapport.outreach.models import (
    ApprovalLimit,
    AudienceImport,
    Incident,
    OutreachOutcome,
    OutreachTask,
    Severity,
)
from rapport.outreach.rules import TIER_LABELS
from rapport.people.access import agent_by_id, team_by_id
from rapport.people.decorators import agent_required, supervisor_required
from rapport.people.models import Agent, Team

# --- incidents ------------------------------------------------------------------------------


@require_GET
@agent_required
def incident_list(request: HttpRequest, agent: Agent) -> HttpResponse:
    incidents = selectors.incident_summaries(selectors.incidents_for_agent(agent))
    return render(
        request,
        "outreach/incidents.html",
        {
            "incidents": incidents,
            "teams": list(Team.objects.all()) if agent.is_supervisor else [],
            "severities": Severity.choices,
        },
    )


@require_POST
@agent_required
@supervisor_required(hidden=False)
def incident_create(request: HttpRequest, agent: Agent) -> HttpResponse:
    def run(data: dict[str, Any]) -> Elsewhere:
        incident = create_incident(
            title=data["title"],
            description=data["description"],
            severity=data["severity"],
            team=named(team_by_id, data["team"], field="team", what="team"),
            message_draft=data["message_draft"],
            priority_rules=data["priority_rules"],
            by=agent,
        )
        return Elsewhere("Incident declared: now choose who is affected.", _incident_url(incident))

    return post_action(request, run, form=IncidentForm(request.POST), back=reverse("incidents"))


def _incident_context(request: HttpRequest, agent: Agent, incident: Incident) -> dict[str, Any]:
    show = request.GET.get("show", "mine" if not agent.is_supervisor else "all")
    owner = agent if show == "mine" else None
    rows = selectors.task_rows(incident, owner=owner)
    return {
        "incident": incident,
        "board": selectors.board(incident),
        "rows": [(task, selectors.phone_of(task.customer)) for task in rows],
        "show": show,
        "tier_labels": TIER_LABELS,
        "imports": list(incident.imports.order_by("-created_at")[:5]),
    }


@require_GET
@agent_required
def incident_page(request: HttpRequest, agent: Agent, incident_id: int) -> HttpResponse:
    incident = selectors.incident_for_agent(agent, incident_id)
    return render(request, "outreach/incident.html", _incident_context(request, agent, incident))


@require_GET
@agent_required
def incident_board(request: HttpRequest, agent: Agent, incident_id: int) -> HttpResponse:
    """The progress board alone, for htmx polling."""
    incident = selectors.incident_for_agent(agent, incident_id)
    return render(
        request,
        "outreach/_board.html",
        {"incident": incident, "board": selectors.board(incident)},
    )


@require_POST
@agent_required
@supervisor_required(hidden=False)
def incident_audience(request: HttpRequest, agent: Agent, incident_id: int) -> HttpResponse:
    incident = selectors.incident_for_agent(agent, incident_id)

    def run(data: dict[str, Any]) -> str:
        result = add_audience(
            incident=incident,
            tag=data["tag"],
            asset_reference=data["asset_reference"],
            search=data["search"],
            by=agent,
        )
        notice = f"{result.added} customers added"
        if result.already:
            notice += f" ({result.already} were already on the list)"
        if result.over_capacity:
            notice += f"; {result.over_capacity} are beyond their agent's capacity — add agents"
        return notice + "."

    return post_action(request, run, form=AudienceForm(request.POST), back=_incident_url(incident))


@require_POST
@agent_required
@supervisor_required(hidden=False)
def incident_import(request: HttpRequest, agent: Agent, incident_id: int) -> HttpResponse:
    incident = selectors.incident_for_agent(agent, incident_id)

    def run(data: dict[str, Any]) -> str:
        upload = data["file"]
        job = start_import(
            incident=incident, content=upload.read(), filename=upload.name or "", by=agent
        )
        return f"Importing {job.total_rows} rows; progress is shown below."

    form = ImportForm(request.POST, request.FILES)
    return post_action(request, run, form=form, back=_incident_url(incident))


@require_POST
@agent_required
@supervisor_required(hidden=False)
def incident_close(request: HttpRequest, agent: Agent, incident_id: int) -> HttpResponse:
    incident = selectors.incident_for_agent(agent, incident_id)

    def run(data: dict[str, Any]) -> str:
        close_incident(incident=incident, by=agent)
        return "Incident closed."

    return post_action(request, run, back=_incident_url(incident))


@require_GET
@agent_required
def import_progress(request: HttpRequest, agent: Agent, import_id: int) -> HttpResponse:
    job: AudienceImport = selectors.import_for_agent(agent, import_id)
    return render(request, "outreach/_import.html", {"job": job})


def _incident_url(incident: Incident) -> str:
    return reverse("incident", kwargs={"incident_id": incident.pk})


# --- working a task -------------------------------------------------------------------------


@require_GET
@agent_required
def task_page(request: HttpRequest, agent: Agent, task_id: int) -> HttpResponse:
    task = selectors.task_for_agent(agent, task_id)
    return render(
        request,
        "outreach/task.html",
        {
            "task": task,
            "phone": selectors.phone_of(task.customer),
            "draft": draft_text(task, agent),
            "signature_preview": f"— {agent.display_name}",
            "call_outcomes": CallOutcome.choices,
            "outcomes": OutreachOutcome.choices,
            "tier_labels": TIER_LABELS,
        },
    )


def _on_task(
    request: HttpRequest,
    agent: Agent,
    task_id: int,
    form_class: type[forms.Form],
    run: Callable[[OutreachTask, dict[str, Any]], str],
) -> HttpResponse:
    """A form on a task's page: refused back there; done, on to the agent's list of the
    incident."""
    task = selectors.task_for_agent(agent, task_id)
    return post_action(
        request,
        partial(run, task),
        form=form_class(request.POST),
        back=reverse("outreach_task", kwargs={"task_id": task.pk}),
        then=_incident_url(task.incident) + "?show=mine",
    )


@require_POST
@agent_required
def task_call(request: HttpRequest, agent: Agent, task_id: int) -> HttpResponse:
    def run(task: OutreachTask, data: dict[str, Any]) -> str:
        task = log_outreach_call(
            task=task,
            by=agent,
            call_outcome=data["call_outcome"],
            outcome=data["outcome"],
            notes=data["notes"],
            duration_seconds=(data["duration_minutes"] or 0) * 60,
            expected=data["expected"] or None,
            keep_open=data["keep_open"],
        )
        return f"Call logged: {task.customer.name} is {task.get_status_display().lower()}."

    return _on_task(request, agent, task_id, CallForm, run)


@require_POST
@agent_required
def task_message(request: HttpRequest, agent: Agent, task_id: int) -> HttpResponse:
    def run(task: OutreachTask, data: dict[str, Any]) -> str:
        send_outreach_message(task=task, text=data["text"], by=agent)
        return f"Your message to {task.customer.name} is on its way."

    return _on_task(request, agent, task_id, MessageForm, run)


@require_POST
@agent_required
def task_result(request: HttpRequest, agent: Agent, task_id: int) -> HttpResponse:
    def run(task: OutreachTask, data: dict[str, Any]) -> str:
        task = record_outreach_result(
            task=task,
            by=agent,
            status=data["status"],
            outcome=data["outcome"],
            note=data["note"],
            expected=data["expected"] or None,
            keep_open=data["keep_open"],
        )
        return f"{task.customer.name} is {task.get_status_display().lower()}."

    return _on_task(request, agent, task_id, ResultForm, run)


# --- make-goods -----------------------------------------------------------------------------


@require_GET
@agent_required
@supervisor_required(hidden=False)
def make_goods_page(request: HttpRequest, agent: Agent) -> HttpResponse:
    """Supervisors: what waits for approval, totals per period and reason, and the limits."""
    form = TotalsForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    default_since, default_until = selectors.default_totals_window(timezone.now())
    since: datetime = data.get("since") or default_since
    until: datetime = data.get("until") or default_until
    period = data.get("period") or "month"
    all_goods = selectors.make_goods_for_agent(agent)
    return render(
        request,
        "outreach/make_goods.html",
        {
            "pending": selectors.pending_approvals(all_goods),
            "totals": selectors.make_good_totals(
                all_goods, since=since, until=until, period=period
            ),
            "period": period,
            "since": since,
            "limits": list(
                ApprovalLimit.objects.select_related("agent").order_by("agent__display_name")
            ),
            "agents": list(Agent.objects.filter(is_supervisor=False).order_by("display_name")),
        },
    )


@require_POST
@agent_required
@supervisor_required(hidden=False)
def make_good_decide(request: HttpRequest, agent: Agent, make_good_id: int) -> HttpResponse:
    make_good = selectors.make_good_for_agent(agent, make_good_id)

    def run(data: dict[str, Any]) -> str:
        decided = decide_make_good(
            make_good=make_good, by=agent, approve=data["decision"] == "approve", note=data["note"]
        )
        state = decided.get_status_display().lower()
        return f"{decided.get_kind_display()} for {make_good.customer.name}: {state}."

    return post_action(request, run, form=DecideForm(request.POST), back=reverse("make_goods"))


@require_POST
@agent_required
@supervisor_required(hidden=False)
def make_good_limit(request: HttpRequest, agent: Agent) -> HttpResponse:

    def run(data: dict[str, Any]) -> str:
        who = named(agent_by_id, data["agent"], field="agent", what="agent")
        limit = set_approval_limit(
            agent=who, currency=data["currency"], amount=data["amount"], by=agent
        )
        name = who.display_name if who else "Everyone else"
        return f"{name} may give up to {limit.amount} {limit.currency} without approval."

    return post_action(request, run, form=LimitForm(request.POST), back=reverse("make_goods"))


@require_POST
@agent_required
def make_good_record(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    case = case_for_agent(agent, case_id)

    def run(data: dict[str, Any]) -> str:
        asset = named(
            partial(asset_for_agent, agent, customer=case.customer),
            data["asset"],
            field="asset",
            what="order",
        )
        recorded = record_make_good(
            case=case,
            by=agent,
            kind=data["kind"],
            description=data["description"],
            reason=data["reason"],
            amount=data["amount"] or 0,
            currency=data["currency"],
            asset=asset,
        )
        if recorded.status == "pending":
            return "Recorded; it is over your limit, so a supervisor has been asked to approve it."
        return "Make-good recorded."

    back = next_url(request, reverse("case", kwargs={"case_id": case.pk}))
    return post_action(request, run, form=MakeGoodForm(request.POST), back=back)
