from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict[str, Any]:
    agent = getattr(request.user, "agent", None) if request.user.is_authenticated else None
    return {
        "current_agent": agent,
        "site_name": settings.SITE_NAME,
        "support_phone": settings.RAPPORT_SUPPORT_PHONE,
    }
