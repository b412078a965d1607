"""Incidents: opened and closed by a supervisor, and the event every outreach action writes on
them. Every function is atomic and audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.lib.errors import ActionError
from rapport.outreach import rules
from rapport.outreach.models import (
    Incident,
    IncidentEvent,
    IncidentEventKind,
    IncidentStatus,
    Severity,
)
from rapport.people.models import Agent, Team


class NotAllowed(ActionError):
    """The person may not do this (a supervisor's decision)."""

    status_code = 403


def require_supervisor(by: Agent, what: str) -> None:
    if not by.is_supervisor:
        raise NotAllowed(f"Only a supervisor can {what}.")


# --- incidents ------------------------------------------------------------------------------


def record_incident_event(
    incident: Incident, *, kind: IncidentEventKind, by: Agent | None, **data: Any
) -> IncidentEvent:
    """Write what `by` did to `incident`; `data` says the details. The kinds are
    `IncidentEventKind` in `rapport.outreach.models`: a new kind is a new member there."""
    return IncidentEvent.objects.create(incident=incident, actor=by, kind=kind, data=data)


@transaction.atomic
def create_incident(
    *,
    title: str,
    by: Agent,
    description: str = "",
    severity: str = Severity.MAJOR,
    team: Team | None = None,
    message_draft: str = "",
    priority_rules: Any = None,
    default_tier: int = 3,
    max_attempts: int = 3,
) -> Incident:
    require_supervisor(by, "declare an incident")
    title = " ".join(title.split())
    if not title:
        raise ActionError(
            "An incident needs a title (e.g. Flight AU 482 cancelled).", field="title"
        )
    if severity not in Severity.values:
        raise ActionError(f"{severity!r} is not a severity.", field="severity")
    if default_tier not in rules.TIERS:
        raise ActionError("The default tier is 1, 2 or 3.", field="default_tier")
    if not 1 <= max_attempts <= 20:
        raise ActionError("Between 1 and 20 attempts.", field="max_attempts")
    draft = message_draft.strip() or rules.DEFAULT_DRAFT
    try:
        rules.check_draft(draft)
        checked = rules.validate(rules.DEFAULT_RULES if priority_rules is None else priority_rules)
    except rules.RuleError as exc:
        field_name = (
            "message_draft"
            if "draft" in str(exc) or "placeholder" in str(exc)
            else "priority_rules"
        )
        raise ActionError(str(exc), field=field_name) from exc
    incident = Incident.objects.create(
        title=title[:200],
        description=description.strip(),
        severity=severity,
        team=team,
        message_draft=draft,
        priority_rules=checked,
        default_tier=default_tier,
        max_attempts=max_attempts,
        created_by=by,
    )
    record_incident_event(
        incident, by=by, kind=IncidentEventKind.CREATED, title=incident.title, severity=severity
    )
    return incident


@transaction.atomic
def close_incident(*, incident: Incident, by: Agent) -> Incident:
    require_supervisor(by, "close an incident")
    now = timezone.now()
    if Incident.objects.filter(pk=incident.pk, status=IncidentStatus.OPEN).update(
        status=IncidentStatus.CLOSED, closed_at=now
    ):
        record_incident_event(incident, by=by, kind=IncidentEventKind.CLOSED)
    incident.refresh_from_db()
    return incident
