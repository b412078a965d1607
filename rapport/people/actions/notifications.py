"""An agent's email-notification choices: which kinds of notice are mailed, and whether even
off shift. The mailing itself is `rapport.mail.notices` (a sweep that batches per agent)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from rapport.lib.errors import ActionError
from rapport.people.models import Agent, NoticeKind, NotificationChoice


@dataclass(frozen=True)
class Choice:
    """Mail this kind of notice; and also while the agent is off shift."""

    email: bool = False
    even_off_shift: bool = False


def choices_of(agent: Agent) -> dict[NoticeKind, Choice]:
    """Every kind, in the order of `NoticeKind`, with what the agent chose (default: not mailed)."""
    rows = {row.kind: row for row in NotificationChoice.objects.filter(agent=agent)}
    return {
        kind: Choice(email=row.email, even_off_shift=row.even_off_shift)
        if (row := rows.get(kind)) is not None
        else Choice()
        for kind in NoticeKind
    }


@transaction.atomic
def set_notification_choices(
    *, agent: Agent, choices: Mapping[str, Choice], now: datetime | None = None
) -> dict[NoticeKind, Choice]:
    """The agent's choices for the kinds in `choices` (the others stay as they were). A kind
    switched on is mailed from now on, never the notices from before."""
    unknown = sorted(set(choices) - set(NoticeKind.values))
    if unknown:
        raise ActionError(f"{unknown[0]!r} is not a kind of notification.", field="kind")
    when = now or timezone.now()
    rows = {
        row.kind: row
        for row in NotificationChoice.objects.select_for_update().filter(
            agent=agent, kind__in=list(choices)
        )
    }
    for kind, choice in choices.items():
        row = rows.get(kind)
        if row is None:
            NotificationChoice.objects.create(
                agent=agent,
                kind=kind,
                email=choice.email,
                even_off_shift=choice.even_off_shift,
                email_since=when if choice.email else None,
                updated_at=when,
            )
        elif (row.email, row.even_off_shift) != (choice.email, choice.even_off_shift):
            if choice.email and not row.email:
                row.email_since = when
            row.email, row.even_off_shift, row.updated_at = (
                choice.email,
                choice.even_off_shift,
                when,
            )
            row.save(update_fields=["email", "even_off_shift", "email_since", "updated_at"])
    return choices_of(agent)
