"""The case page and its actions: each POST parses, calls one action, and refreshes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from rapport.cases import transports
from rapport.cases.access import case_for_agent, message_for_agent
from rapport.cases.actions import assignment, merging
from rapport.cases.actions import messages as case_messages
from rapport.cases.actions import status as status_actions
from rapport.cases.attachments import Upload, check_uploads, safe_filename
from rapport.cases.models import (
    CallDirection,
    CallOutcome,
    Case,
    DeliveryStatus,
    Direction,
    Message,
    Priority,
)
from rapport.cases.selectors import handover
from rapport.lib.access import named
from rapport.lib.errors import ActionError
from rapport.people.access import agent_by_id
from rapport.people.models import Agent, Channel
from rapport.routing.actions import opening
from rapport.routing.service import customer_notice
from rapport.triage.service import triage_signals
from rapport.workspace import presence
from rapport.workspace.decorators import agent_required, is_htmx
from rapport.workspace.forms import (
    REPLY_CHANNEL_VALUES,
    CallForm,
    MergeCaseForm,
    NoteForm,
    OwnerForm,
    PriorityForm,
    ReplyForm,
    SplitForm,
    StatusForm,
    TagsForm,
    first_error,
)
from rapport.workspace.timeline import all_agents, parse_before, side_panel, timeline_rows


def _case_context(
    request: HttpRequest, agent: Agent, case: Case, *, before: datetime | None = None
) -> dict[str, Any]:
    agents = all_agents()
    rows, older = timeline_rows(
        case.customer, viewer=agent, focus=case, agents=agents, before=before
    )
    panel = side_panel(case.customer, viewer=agent, case=case)
    notice = customer_notice(case, now=timezone.now())
    reachable = transports.reachable_channels(case, identities=panel["identities"])
    labels = dict(Channel.choices)
    return {
        "case": case,
        "rows": rows,
        "older": older,
        "agents": list(agents.values()),
        "priorities": Priority.choices,
        "call_directions": CallDirection.choices,
        "call_outcomes": CallOutcome.choices,
        # Only channels that really carry a message, the case's own first; none: say so.
        "reply_channels": [(t.channel, labels[t.channel]) for t in reachable],
        "reply_caveats": [t.caveat for t in reachable if t.caveat],
        "attachment_limits": {
            "count": settings.RAPPORT_ATTACHMENTS_MAX_COUNT,
            "size": settings.RAPPORT_ATTACHMENT_MAX_BYTES,
        },
        "origin_unsendable": (
            labels[case.origin_channel]
            if case.origin_channel in REPLY_CHANNEL_VALUES
            and case.origin_channel not in {t.channel for t in reachable}
            else ""
        ),
        "signature_preview": case_messages.signed("", agent).strip(),
        "tags_text": ", ".join(case.tags),
        "triage_signals": triage_signals(case),
        "customer_notice": notice,
        # Only a notice that went out in a message can be called told.
        "customer_notice_told": bool(notice)
        and Message.objects.filter(
            case=case,
            direction=Direction.OUTBOUND,
            delivery_status=DeliveryStatus.SENT,
            text__contains=notice,
        ).exists(),
        **panel,
    }


@require_GET
@agent_required
def case_page(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    case = case_for_agent(agent, case_id)
    context = _case_context(request, agent, case, before=parse_before(request))
    if is_htmx(request):
        return render(request, "workspace/_timeline.html", context)
    return render(request, "workspace/case.html", context)


def _refresh(request: HttpRequest, agent: Agent, case_id: int, notice: str) -> HttpResponse:
    """htmx: the refreshed timeline (plus the header, out of band); else back to the page."""
    if is_htmx(request):
        case = case_for_agent(agent, case_id)
        context = _case_context(request, agent, case)
        context["notice"] = notice
        return render(request, "workspace/case/_refresh.html", context)
    messages.success(request, notice)
    return redirect("case", case_id=case_id)


def _refuse(request: HttpRequest, case_id: int, message: str, status: int = 400) -> HttpResponse:
    """An action said no: show its message where the person is looking."""
    if is_htmx(request):
        response = render(request, "workspace/_alert.html", {"message": message}, status=status)
        return reswap(retarget(response, "#case-alerts"), "innerHTML")
    messages.error(request, message)
    return redirect("case", case_id=case_id)


def _case_action(
    request: HttpRequest,
    agent: Agent,
    case_id: int,
    form_class: type[forms.Form],
    run: Callable[[Case, dict[str, Any]], str],
) -> HttpResponse:
    case = case_for_agent(agent, case_id)
    form = form_class(request.POST)
    if not form.is_valid():
        return _refuse(request, case.pk, first_error(form))
    try:
        notice = run(case, form.cleaned_data)
    except ActionError as exc:
        return _refuse(request, case.pk, exc.message, exc.status_code)
    return _refresh(request, agent, case.pk, notice)


def _uploads(request: HttpRequest) -> list[Upload]:
    """The files attached on the form; one past the size limit is refused before it is read."""
    files = request.FILES.getlist("attachments")
    check_uploads([Upload(f.name or "", f.content_type or "", b"x") for f in files])
    limit = settings.RAPPORT_ATTACHMENT_MAX_BYTES
    for f in files:
        if (f.size or 0) > limit:
            raise ActionError(
                f"{safe_filename(f.name or '')} is {filesizeformat(f.size or 0)}; a file may be at "
                f"most {filesizeformat(limit)}. Share a link to it instead.",
                field="attachments",
            )
    return [Upload(f.name or "", f.content_type or "", f.read()) for f in files]


@require_POST
@agent_required
def case_reply(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    def run(case: Case, data: dict[str, Any]) -> str:
        message = case_messages.reply(
            case=case,
            text=data["text"],
            by=agent,
            channel=data["channel"] or None,
            attachments=_uploads(request),
        )
        presence.touch(case=case, agent=agent, is_typing=False)
        transport = transports.transport_for(message.channel)
        caveat = f" {transport.caveat}" if transport and transport.caveat else ""
        return f"Reply queued to go out by {message.get_channel_display().lower()}.{caveat}"

    return _case_action(request, agent, case_id, ReplyForm, run)


@require_POST
@agent_required
def case_note(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    def run(case: Case, data: dict[str, Any]) -> str:
        case_messages.add_note(
            case=case, text=data["text"], by=agent, attachments=_uploads(request)
        )
        return "Note added."

    return _case_action(request, agent, case_id, NoteForm, run)


@require_POST
@agent_required
def case_call(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    def run(case: Case, data: dict[str, Any]) -> str:
        case_messages.log_call(
            case=case,
            by=agent,
            direction=data["direction"],
            outcome=data["outcome"],
            notes=data["notes"],
            phone=data["phone"],
            duration_seconds=(data["duration_minutes"] or 0) * 60,
        )
        return "Call logged."

    return _case_action(request, agent, case_id, CallForm, run)


@require_POST
@agent_required
def case_status(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    def run(case: Case, data: dict[str, Any]) -> str:
        case = status_actions.change_status(
            case=case,
            to=data["status"],
            by=agent,
            reason=data["reason"],
            expected=data["expected"] or None,
        )
        return f"Status is now {case.get_status_display().lower()}."

    return _case_action(request, agent, case_id, StatusForm, run)


@require_POST
@agent_required
def case_priority(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    def run(case: Case, data: dict[str, Any]) -> str:
        case = status_actions.change_priority(
            case=case, to=data["priority"], by=agent, reason=data["reason"]
        )
        return f"Priority is now {case.get_priority_display().lower()}."

    return _case_action(request, agent, case_id, PriorityForm, run)


@require_POST
@agent_required
def case_owner(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    case = case_for_agent(agent, case_id)
    form = OwnerForm(request.POST)
    if not form.is_valid():
        return _refuse(request, case.pk, first_error(form))
    try:
        owner = named(agent_by_id, form.cleaned_data["owner"], field="owner", what="agent")
        assigned = assignment.assign_case(
            case=case, owner=owner, by=agent, reason=form.cleaned_data["reason"]
        )
    except ActionError as exc:
        return _refuse(request, case.pk, exc.message, exc.status_code)
    outcome = handover(assigned, by=agent)
    if outcome.you_can_open:
        return _refresh(request, agent, case.pk, outcome.what_next)
    # Handed to another team: the case is theirs now, so the answer is the inbox, not a 404.
    messages.success(request, outcome.what_next)
    inbox = reverse("inbox")
    return HttpResponseClientRedirect(inbox) if is_htmx(request) else redirect(inbox)


@require_POST
@agent_required
def case_tags(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    def run(case: Case, data: dict[str, Any]) -> str:
        seen = data["seen"].split(",") if "seen" in request.POST else None
        assignment.set_tags(case=case, tags=data["tags"].split(","), by=agent, seen=seen)
        return "Tags saved."

    return _case_action(request, agent, case_id, TagsForm, run)


def _moved(request: HttpRequest, case_id: int, notice: str) -> HttpResponse:
    messages.success(request, notice)
    url = reverse("case", kwargs={"case_id": case_id})
    return HttpResponseClientRedirect(url) if is_htmx(request) else redirect(url)


@require_POST
@agent_required
def case_split(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    case = case_for_agent(agent, case_id)
    form = SplitForm(request.POST)
    if not form.is_valid():
        return _refuse(request, case.pk, first_error(form))
    message = message_for_agent(agent, form.cleaned_data["message"])
    if message.case_id != case.pk:
        return _refuse(request, case.pk, "That message belongs to another case.")
    try:
        new_case = opening.split_message(
            message=message, by=agent, subject=form.cleaned_data["subject"]
        )
    except ActionError as exc:
        return _refuse(request, case.pk, exc.message, exc.status_code)
    return _moved(request, new_case.pk, f"Split into a new case {new_case.reference}.")


@require_POST
@agent_required
def case_merge(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    case = case_for_agent(agent, case_id)
    form = MergeCaseForm(request.POST)
    if not form.is_valid():
        return _refuse(request, case.pk, first_error(form))
    target = case_for_agent(agent, form.cleaned_data["target"])
    try:
        merged = merging.merge_cases(
            source=case, target=target, by=agent, reason=form.cleaned_data["reason"]
        )
    except ActionError as exc:
        return _refuse(request, case.pk, exc.message, exc.status_code)
    return _moved(request, merged.pk, f"Case {case.reference} was merged into this case.")


@require_POST
@agent_required
def case_presence(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    """The heartbeat: I am here (and typing?); who else is?"""
    case = case_for_agent(agent, case_id)
    typing = any(text.strip() for text in request.POST.getlist("text"))
    presence.touch(case=case, agent=agent, is_typing=typing)
    others = presence.others_on_case(case=case, agent=agent)
    return render(
        request,
        "workspace/_presence.html",
        {"others": others, "summary": presence.describe(others)},
    )
