"""What live pages poll (see `rapport/workspace/live.py`): the inbox's list and the case's
timeline are their own views' fragments at URLs of their own (`urls.py`); the agent's unread
notifications, for the count in the navigation and the browser's notifications, are here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from rapport.cases.access import agent_can_see_case
from rapport.cases.models import Notification
from rapport.people.decorators import agent_required
from rapport.people.models import Agent
from rapport.workspace.context import unread_label
from rapport.workspace.live import with_etag

NOTIFIED_AT_MOST = 10


@require_GET
@agent_required
def notifications_live(request: HttpRequest, agent: Agent) -> HttpResponseBase:
    """{"unread": "3" (or "9+", "" for none), "items": the newest unread, newest first, each
    {"id", "text", "url": the case when the agent may still open it, else the list}}."""
    rows = list(
        Notification.objects.filter(agent=agent, read_at__isnull=True)
        .select_related("case__customer")
        .order_by("-created_at", "-pk")[:NOTIFIED_AT_MOST]
    )
    listed = reverse("notifications")
    items = [
        {
            "id": n.pk,
            "text": n.text,
            "url": (
                reverse("case", args=[n.case_id])
                if n.case is not None and agent_can_see_case(agent, n.case)
                else listed
            ),
        }
        for n in rows
    ]
    return with_etag(request, JsonResponse({"unread": unread_label(agent), "items": items}))
