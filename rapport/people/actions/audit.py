"""The audit of the desk's settings: who added or changed a business, site, team, opening hours,
closed day, service level or follow-up policy, and what changed. One row in the security audit
(`SecurityEvent`, kind DESK_CHANGED, read on Sign-ins), written by the action that made the
change, in its transaction; `by` None is the operator at the command line."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Model

from rapport.people.actions.security import record_security_event
from rapport.people.models import Agent, SecurityEventKind


def record_desk_change(*, by: Agent | None, what: str) -> None:
    """ "Team Front desk: members: Ana Ortiz → Olga Dent" (cut to the row's 300 characters)."""
    said = what if by is not None else f"{what} (command line)"
    record_security_event(kind=SecurityEventKind.DESK_CHANGED, actor=by, detail=said)


def changes(before: Mapping[str, object], after: Mapping[str, object]) -> str:
    """ "name: Old → New; phone: none → +34 910" for the fields that differ ("no change")."""
    said = [
        f"{field.replace('_', ' ')}: {_shown(before.get(field))} → {_shown(value)}"
        for field, value in after.items()
        if before.get(field) != value
    ]
    return "; ".join(said) or "no change"


def _shown(value: object) -> str:
    if isinstance(value, list | tuple | set):
        return ", ".join(_shown(v) for v in value) or "none"
    if isinstance(value, Model):
        return str(value)
    return str(value) if value not in (None, "") else "none"
