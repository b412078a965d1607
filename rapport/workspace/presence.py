"""Collision detection: who else is viewing or writing on a case right now."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from rapport.cases.models import Case, Presence
from rapport.people.models import Agent


def touch(*, case: Case, agent: Agent, is_typing: bool) -> None:
    """Record a heartbeat; safe when two tabs of the same agent race to create the row."""
    fields = {"is_typing": is_typing, "seen_at": timezone.now()}
    if Presence.objects.filter(case=case, agent=agent).update(**fields):
        return
    try:
        with transaction.atomic():
            Presence.objects.create(case=case, agent=agent, **fields)
    except IntegrityError:
        # Another request created it between our update and insert: the unique constraint
        # kept one row, so updating it now cannot miss.
        Presence.objects.filter(case=case, agent=agent).update(**fields)


def others_on_case(*, case: Case, agent: Agent) -> list[Presence]:
    """Other agents seen on this case within the presence TTL, writers first."""
    since = timezone.now() - timedelta(seconds=settings.RAPPORT_PRESENCE_TTL)
    return list(
        Presence.objects.filter(case=case, seen_at__gte=since)
        .exclude(agent=agent)
        .select_related("agent")
        .order_by("-is_typing", "agent__display_name")
    )


def describe(presences: list[Presence]) -> str:
    """'Ben Hale is viewing · Ana Ortiz is writing a reply'."""
    return " · ".join(
        f"{p.agent.display_name} is {'writing a reply' if p.is_typing else 'viewing'}"
        for p in presences
    )
