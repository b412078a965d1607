"""The case audit trail and telling agents: every write records its event here.

`record_case_event` and `notify_agent` write one row; `record_case_events` and `notify_agents`
write a batch in one statement (intake, outreach, escalation). The kinds are `CaseEventKind` and
`NotificationKind` in `rapport.cases.models`: a new kind is a new member there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.cases.models import (
    Case,
    CaseEvent,
    CaseEventKind,
    Notification,
    NotificationKind,
)
from rapport.cases.nudging import agents_notified, case_changed
from rapport.lib.bulk import insert_each
from rapport.people.models import Agent


@dataclass(frozen=True, slots=True, kw_only=True)
class NewCaseEvent:
    """One event of a batch for `record_case_events`; the fields of `record_case_event`."""

    case: Case
    kind: CaseEventKind
    by: Agent | None
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class NewNotification:
    """One notice of a batch for `notify_agents`; the fields of `notify_agent`."""

    agent_id: int
    kind: NotificationKind
    text: str
    case: Case | None = None


def record_case_event(
    case: Case,
    *,
    kind: CaseEventKind,
    by: Agent | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
    at: datetime | None = None,
) -> CaseEvent:
    """Write who changed what on `case`, from what to what, and why (at `at`, default now)."""
    event = _case_event(
        NewCaseEvent(case=case, kind=kind, by=by, before=before, after=after, reason=reason),
        at=at or timezone.now(),
    )
    event.save(force_insert=True)
    case_changed([case])
    return event


def record_case_events(events: Iterable[NewCaseEvent], *, at: datetime | None = None) -> None:
    """Write many events in one statement, all at `at` (default now)."""
    when = at or timezone.now()
    rows = [_case_event(event, at=when) for event in events]
    insert_each(CaseEvent, rows)
    case_changed(row.case for row in rows)


def _case_event(event: NewCaseEvent, *, at: datetime) -> CaseEvent:
    return CaseEvent(
        case=event.case,
        actor=event.by,
        kind=event.kind,
        before=dict(event.before or {}),
        after=dict(event.after or {}),
        reason=event.reason[:500],
        created_at=at,
    )


@transaction.atomic
def notify_agent(
    *,
    agent: Agent,
    kind: NotificationKind,
    text: str,
    case: Case | None = None,
    at: datetime | None = None,
) -> Notification:
    """Tell a named person something they must act on now (a bounced reply, a deadline)."""
    notice = Notification.objects.create(
        agent=agent, case=case, kind=kind, text=text[:500], created_at=at or timezone.now()
    )
    agents_notified([agent.pk])
    return notice


def notify_agents(notices: Iterable[NewNotification], *, at: datetime | None = None) -> None:
    """Tell many people at once (one statement), all at `at` (default now)."""
    when = at or timezone.now()
    rows = [
        Notification(
            agent_id=notice.agent_id,
            case=notice.case,
            kind=notice.kind,
            text=notice.text[:500],
            created_at=when,
        )
        for notice in notices
    ]
    insert_each(Notification, rows)
    agents_notified(row.agent_id for row in rows)


def mark_notifications_read(*, agent: Agent) -> int:
    """Everything the agent has been told so far counts as seen."""
    return Notification.objects.filter(agent=agent, read_at__isnull=True).update(
        read_at=timezone.now()
    )
