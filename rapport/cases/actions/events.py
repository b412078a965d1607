"""The case audit trail and telling agents: every write records its event here."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.cases.models import (
    Case,
    CaseEvent,
)
from rapport.people.models import Agent


def record_case_event(
    case: Case,
    *,
    by: Agent | None,
    kind: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, actor=by, kind=kind, before=before or {}, after=after or {}, reason=reason[:500]
    )


@transaction.atomic
def notify_agent(*, agent: Agent, kind: str, text: str, case: Case | None = None) -> None:
    """Tell a named person something they must act on now (a bounced reply, a deadline)."""
    from rapport.cases.models import Notification

    Notification.objects.create(agent=agent, case=case, kind=kind[:40], text=text[:500])


def mark_notifications_read(*, agent: Agent) -> int:
    """Everything the agent has been told so far counts as seen."""
    from rapport.cases.models import Notification

    return Notification.objects.filter(agent=agent, read_at__isnull=True).update(
        read_at=timezone.now()
    )
