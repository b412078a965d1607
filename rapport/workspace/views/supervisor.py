"""The supervisor's view of the promises: time to a named human, who waits now, notifications."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from rapport.cases.access import agent_can_see_case, cases_for_agent
from rapport.cases.actions.events import mark_notifications_read
from rapport.cases.models import Notification
from rapport.insights import selectors
from rapport.people.decorators import agent_required, supervisor_required
from rapport.people.models import Agent


@require_GET
@agent_required
@supervisor_required
def supervisor(request: HttpRequest, agent: Agent) -> HttpResponse:
    now = timezone.now()
    since, until = selectors.default_window(now)
    cases = cases_for_agent(agent)
    agents = {a.pk: a for a in Agent.objects.order_by("display_name")}
    load = [
        (agents.get(owner_id) if owner_id else None, n)
        for owner_id, n in selectors.open_load(cases)
    ]
    return render(
        request,
        "workspace/supervisor.html",
        {
            "stats": selectors.time_to_human(cases, since=since, until=until),
            "since": since,
            "waiting": selectors.waiting_for_a_human(cases),
            "outbound_open": selectors.outbound_open(cases),
            "overdue": selectors.overdue(cases, now=now),
            "load": load,
            "saved_use": selectors.saved_reply_use(cases, since=since, until=until),
        },
    )


@require_GET
@agent_required
def notifications(request: HttpRequest, agent: Agent) -> HttpResponse:
    rows = list(
        Notification.objects.filter(agent=agent)
        .select_related("case__customer")
        .order_by("-created_at")[:100]
    )
    # A case handed on since is no longer theirs to open: its notification is no longer a link.
    openable = {n.case_id for n in rows if n.case is not None and agent_can_see_case(agent, n.case)}
    return render(request, "workspace/notifications.html", {"rows": rows, "openable": openable})


@require_POST
@agent_required
def notifications_read(request: HttpRequest, agent: Agent) -> HttpResponse:
    mark_notifications_read(agent=agent)
    return redirect("notifications")
