"""The case page and its actions: each POST parses, calls one action, and refreshes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from rapport.cases import transports
from rapport.cases.access import case_for_agent, message_for_agent, saved_reply_for_case
from rapport.cases.actions import assignment, merging
from rapport.cases.actions import messages as case_messages
from rapport.cases.actions import status as status_actions
from rapport.cases.actions.status_links import revoke_status_links
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
from rapport.chat.actions.typing import agent_typing, customer_typing_now
from rapport.chat.selectors import visitor_of
from rapport.lib.access import named
from rapport.lib.answers import Elsewhere, is_htmx, post_action, refused
from rapport.lib.busy import DatabaseBusy
from rapport.lib.errors import ActionError
from rapport.people.access import agent_by_id
from rapport.people.decorators import agent_required
from rapport.people.models import Agent, Channel
from rapport.routing.actions import opening
from rapport.routing.service import customer_notice
from rapport.triage import corrected
from rapport.triage.explain import explain
from rapport.workspace import presence
from rapport.workspace.forms import (
    REPLY_CHANNEL_VALUES,
    CallForm,
    MergeCaseForm,
    NoteForm,
    NothingForm,
    OwnerForm,
    PriorityForm,
    ReplyForm,
    SplitForm,
    StatusForm,
    TagsForm,
)
from rapport.workspace.timeline import (
    TimelineRow,
    all_agents,
    parse_before,
    side_panel,
    timeline_rows,
)
from rapport.workspace.views.saved_replies import composer_context, forget_draft, keep_draft
from rapport.workspace.views.social import social_context


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
    origin = transports.transport_for(case.origin_channel)
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
        "reply_caveats": [caveat for t in reachable if (caveat := transports.caveat_of(t))],
        "attachment_limits": {
            "count": settings.RAPPORT_ATTACHMENTS_MAX_COUNT,
            "size": settings.RAPPORT_ATTACHMENT_MAX_BYTES,
        },
        "origin_unsendable": (
            labels[case.origin_channel]
            if case.origin_channel in REPLY_CHANNEL_VALUES
            and case.origin_channel not in {t.channel for t in reachable}
            and origin is None
            else ""
        ),
        # Carried, but not to this case (a chat case whose conversation has ended).
        "origin_unreached": (
            labels[case.origin_channel]
            if case.origin_channel not in {t.channel for t in reachable} and origin is not None
            else ""
        ),
        # Its transport's own words for that ("Rapport has no Bluesky account set up ...").
        "origin_unreached_note": (
            transports.unreached_because(origin, case)
            if origin is not None
            and origin.unreachable
            and case.origin_channel not in {t.channel for t in reachable}
            else ""
        ),
        "signature_preview": case_messages.signed("", agent).strip(),
        "tags_text": ", ".join(case.tags),
        "triage_corrections": corrected.rows(case.triage),
        "chat_visitor": visitor_of(case),
        **social_context(agent, case),
        "triage": explain(case.triage),
        "customer_notice": notice,
        # Only a notice that went out in a message can be called told.
        "customer_notice_told": bool(notice)
        and Message.objects.filter(
            case=case,
            direction=Direction.OUTBOUND,
            delivery_status=DeliveryStatus.SENT,
            text__contains=notice,
        ).exists(),
        "seen_message_id": _newest_message_shown(case, rows),
        # A chat: live.js marks the lines the timeline shows as seen by the desk.
        "chat_seen_url": (
            reverse("case_chat_seen", kwargs={"case_id": case.pk})
            if case.origin_channel == Channel.CHAT
            else ""
        ),
        **panel,
    }


def _newest_message_shown(case: Case, rows: list[TimelineRow]) -> int:
    """The newest message of the case the page shows; anything others add after it holds a
    reply. Read from the timeline (no query) unless none of the case's messages is on it."""
    shown = [r.entry.message.pk for r in rows if r.entry.message and r.entry.case_id == case.pk]
    if shown:
        return max(shown)
    newest = Message.objects.filter(case=case).order_by("-pk").values_list("pk", flat=True)
    return newest.first() or 0


@require_GET
@agent_required
def case_page(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    case = case_for_agent(agent, case_id)
    context = _case_context(request, agent, case, before=parse_before(request))
    if is_htmx(request):
        return render(request, "workspace/_timeline.html", context)
    context |= composer_context(request, agent, case)
    return render(request, "workspace/case.html", context)


def _case_url(case_id: int) -> str:
    return reverse("case", kwargs={"case_id": case_id})


def _on_case_page(
    request: HttpRequest,
    agent: Agent,
    case_id: int,
    form_class: type[forms.Form],
    run: Callable[[Case, dict[str, Any]], str | Elsewhere],
    *,
    refusal: Callable[[Case, ActionError], HttpResponse | None] | None = None,
    what: str = "",
) -> HttpResponse:
    """A form on the case page, answered by `post_action`: a refusal in the page's alerts; done,
    the refreshed timeline (plus the header, out of band) with the notice. A busy database
    says `what` ("your reply") was not sent, and keeps what was typed."""
    case = case_for_agent(agent, case_id)

    def refreshed(notice: str) -> HttpResponse:
        context = _case_context(request, agent, case_for_agent(agent, case.pk))
        context["notice"] = notice
        return render(request, "workspace/case/_refresh.html", context)

    def refused_here(exc: ActionError) -> HttpResponse | None:
        if isinstance(exc, DatabaseBusy):
            return _busy(request, agent, case, DatabaseBusy(what))
        return refusal(case, exc) if refusal is not None else None

    return post_action(
        request,
        partial(run, case),
        form=form_class(request.POST),
        back=_case_url(case.pk),
        fragment=refreshed,
        alerts="#case-alerts",
        refusal=refused_here,
    )


def _busy(request: HttpRequest, agent: Agent, case: Case, busy: DatabaseBusy) -> HttpResponse:
    """Nothing was written (rapport/lib/busy.py). htmx: the alert, the text stays in the form; a
    plain post: the whole page, its composer holding what was typed, and the session left
    unwritten (its row would wait for the same lock; the page holds the draft)."""
    if is_htmx(request):
        return refused(
            request, busy.message, back=_case_url(case.pk), alerts="#case-alerts", status=503
        )
    context = _case_context(request, agent, case_for_agent(agent, case.pk))
    context |= composer_context(request, agent, case)
    context |= {"busy": busy.message, "reply_channel": request.POST.get("channel", "")}
    request.session.modified = False
    return render(request, "workspace/case.html", context, status=busy.status_code)


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
        saved_reply = named(
            partial(saved_reply_for_case, agent, case),
            data["saved_reply_id"],
            field="saved_reply_id",
            what="saved reply",
        )
        message = case_messages.reply(
            case=case,
            text=data["text"],
            by=agent,
            channel=data["channel"] or None,
            attachments=_uploads(request),
            saved_reply=saved_reply,
            seen_message_id=data["seen_message"],
        )
        forget_draft(request, case.pk)
        presence.touch(case=case, agent=agent, is_typing=False)
        return _reply_outcome(message)

    keep_draft(request, case_id, "reply")

    def held(case: Case, refusal: ActionError) -> HttpResponse | None:
        if not isinstance(refusal, case_messages.NewSinceSeen):
            return None
        return _held_reply(request, agent, case, refusal)

    return _on_case_page(request, agent, case_id, ReplyForm, run, refusal=held, what="your reply")


def _reply_outcome(message: Message) -> str:
    """What became of the reply, as its transport recorded it: a chat line is already in the
    customer's chat (read once their screen shows it); mail waits in the outbox."""
    if message.delivery_status == DeliveryStatus.DELIVERED:
        return (
            "Reply delivered to the customer's chat: it shows there now, and as read here "
            "once their screen has shown it."
        )
    if message.delivery_status == DeliveryStatus.READ:
        return "Reply delivered to the customer's chat and read there."
    transport = transports.transport_for(message.channel)
    caveat = f" {told}" if (told := transports.caveat_of(transport)) else ""
    return f"Reply queued to go out by {message.get_channel_display().lower()}.{caveat}"


def _held_reply(
    request: HttpRequest, agent: Agent, case: Case, held: case_messages.NewSinceSeen
) -> HttpResponse:
    """The reply was not sent because others wrote since: show what arrived, keep the text, and
    count those as seen, so sending again sends it as it is. htmx: the timeline, the alert and
    the new seen id; a plain post: the whole page with the text back in the box."""
    context = _case_context(request, agent, case_for_agent(agent, case.pk))
    context |= {
        "held": held,
        "seen_message_id": held.arrived[-1].pk,
        "reply_channel": request.POST.get("channel", ""),
        "files_dropped": bool(request.FILES) and not is_htmx(request),
    }
    if is_htmx(request):
        return render(request, "workspace/case/_held.html", context, status=held.status_code)
    # The whole page, its composer holding what was typed (kept by `keep_draft`).
    context |= composer_context(request, agent, case)
    return render(request, "workspace/case.html", context, status=held.status_code)


@require_POST
@agent_required
def case_note(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    def run(case: Case, data: dict[str, Any]) -> str:
        case_messages.add_note(
            case=case, text=data["text"], by=agent, attachments=_uploads(request)
        )
        forget_draft(request, case.pk)
        return "Note added."

    keep_draft(request, case_id, "note")
    return _on_case_page(request, agent, case_id, NoteForm, run)


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

    return _on_case_page(request, agent, case_id, CallForm, run)


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

    return _on_case_page(request, agent, case_id, StatusForm, run)


@require_POST
@agent_required
def case_status_link_revoke(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    def run(case: Case, data: dict[str, Any]) -> str:
        revoke_status_links(case=case, by=agent)
        return (
            "Every status link sent for this case stopped working; the next mail carries a new one."
        )

    return _on_case_page(request, agent, case_id, NothingForm, run)


@require_POST
@agent_required
def case_priority(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    def run(case: Case, data: dict[str, Any]) -> str:
        case = status_actions.change_priority(
            case=case, to=data["priority"], by=agent, reason=data["reason"]
        )
        return f"Priority is now {case.get_priority_display().lower()}."

    return _on_case_page(request, agent, case_id, PriorityForm, run)


@require_POST
@agent_required
def case_owner(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    def run(case: Case, data: dict[str, Any]) -> str | Elsewhere:
        owner = named(agent_by_id, data["owner"], field="owner", what="agent")
        assigned = assignment.assign_case(case=case, owner=owner, by=agent, reason=data["reason"])
        outcome = handover(assigned, by=agent)
        if outcome.you_can_open:
            return outcome.what_next
        # Handed to another team: the case is theirs now, so the answer is the inbox, not a 404.
        return Elsewhere(outcome.what_next, reverse("inbox"))

    return _on_case_page(request, agent, case_id, OwnerForm, run)


@require_POST
@agent_required
def case_tags(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    def run(case: Case, data: dict[str, Any]) -> str:
        seen = data["seen"].split(",") if "seen" in request.POST else None
        assignment.set_tags(case=case, tags=data["tags"].split(","), by=agent, seen=seen)
        return "Tags saved."

    return _on_case_page(request, agent, case_id, TagsForm, run)


@require_POST
@agent_required
def case_split(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    def run(case: Case, data: dict[str, Any]) -> Elsewhere:
        message = message_for_agent(agent, data["message"])
        if message.case_id != case.pk:
            raise ActionError("That message belongs to another case.")
        new_case = opening.split_message(message=message, by=agent, subject=data["subject"])
        return Elsewhere(f"Split into a new case {new_case.reference}.", _case_url(new_case.pk))

    return _on_case_page(request, agent, case_id, SplitForm, run)


@require_POST
@agent_required
def case_merge(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    def run(case: Case, data: dict[str, Any]) -> Elsewhere:
        target = case_for_agent(agent, data["target"])
        merged = merging.merge_cases(source=case, target=target, by=agent, reason=data["reason"])
        notice = f"Case {case.reference} was merged into this case."
        return Elsewhere(notice, _case_url(merged.pk))

    return _on_case_page(request, agent, case_id, MergeCaseForm, run)


@require_POST
@agent_required
def case_presence(request: HttpRequest, agent: Agent, case_id: int) -> HttpResponse:
    """The heartbeat: I am here (and typing?); who else is?"""
    case = case_for_agent(agent, case_id)
    typing = any(text.strip() for text in request.POST.getlist("text"))
    presence.touch(case=case, agent=agent, is_typing=typing)
    if typing and request.POST.get("reply_typing") == "1":
        # live.js without the desk's socket: a reply being typed now, told to the case's chat.
        agent_typing(case=case, agent=agent)
    others = presence.others_on_case(case=case, agent=agent)
    # A chat's customer typing: the socket says so live; this poll says it without one.
    customer = customer_typing_now(case)
    return render(
        request,
        "workspace/_presence.html",
        {
            "others": others,
            "summary": presence.describe(others),
            "customer_typing": customer,
        },
    )
