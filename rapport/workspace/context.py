from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest

from rapport.cases.models import Notification
from rapport.people.models import Agent


def workspace(request: HttpRequest) -> dict[str, Any]:
    agent = getattr(request.user, "agent", None) if request.user.is_authenticated else None
    return {
        "unread_notifications": unread_label(agent) if agent is not None else "",
        "current_agent": agent,
        "live_poll_seconds": settings.RAPPORT_LIVE_POLL_SECONDS,
        "live_slow_poll_seconds": settings.RAPPORT_LIVE_SLOW_POLL_SECONDS,
        # Only the ASGI server (`rapport serve`) has the desk's socket; a page served over WSGI
        # (`rapport runserver`, a WSGI host) keeps to its polls and opens no socket to fail.
        "desk_socket": isinstance(request, ASGIRequest),
        "site_name": settings.SITE_NAME,
        "support_phone": settings.RAPPORT_SUPPORT_PHONE,
    }


def unread_label(agent: Agent) -> str:
    """ "3", or "9+": a bounded read on an index, never a COUNT over a long history."""
    unread = Notification.objects.filter(agent=agent, read_at__isnull=True)
    shown = len(unread.values_list("pk", flat=True)[:10])
    return "9+" if shown > 9 else (str(shown) if shown else "")
