"""Storing the desk's models and choosing which one decides (audited as desk changes)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.lib.errors import ActionError
from rapport.people.actions.security import record_security_event
from rapport.people.models import Agent, SecurityEventKind
from rapport.triage import desk
from rapport.triage.models import TriageModel


def next_version() -> str:
    """Desk models are numbered 1, 2, 3... in the order they were trained."""
    numbers = [int(v) for v in TriageModel.objects.values_list("version", flat=True) if v.isdigit()]
    return str(max(numbers, default=0) + 1)


@transaction.atomic
def store_model(
    *,
    version: str,
    data: bytes,
    figures: dict[str, Any],
    corrections: int,
    by: Agent | None,
) -> TriageModel:
    """A newly trained desk model that passed the frozen-set check: stored, and deciding from
    now on (the model before it stays stored for a roll-back)."""
    TriageModel.objects.filter(active=True).update(active=False)
    model = TriageModel.objects.create(
        version=version,
        data=data,
        figures=figures,
        trained_at=timezone.now(),
        trained_by=by,
        corrections=corrections,
        active=True,
    )
    record_security_event(
        kind=SecurityEventKind.DESK_CHANGED,
        actor=by,
        detail=f"triage: desk model {version} trained on {corrections} corrections, now deciding",
    )
    transaction.on_commit(desk.forget)
    return model


@transaction.atomic
def activate_model(*, version: str | None, by: Agent | None) -> TriageModel | None:
    """Let desk model `version` decide, or with None the shipped one (a roll-back)."""
    before = TriageModel.objects.select_for_update().filter(active=True).first()
    chosen = None
    if version is not None:
        chosen = TriageModel.objects.select_for_update().filter(version=version).first()
        if chosen is None:
            raise ActionError(f"There is no desk model {version}.", field="version")
    if before == chosen:
        return chosen
    TriageModel.objects.filter(active=True).update(active=False)
    if chosen is not None:
        TriageModel.objects.filter(pk=chosen.pk).update(active=True)
        chosen.active = True
    was = f"desk model {before.version}" if before else "the shipped model"
    now = f"desk model {chosen.version}" if chosen else "the shipped model"
    record_security_event(
        kind=SecurityEventKind.DESK_CHANGED,
        actor=by,
        detail=f"triage: {now} decides (was {was})",
    )
    transaction.on_commit(desk.forget)
    return chosen
