"""Revoking a case's status links (an agent on the case page, the API, the command line)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from rapport.cases.actions.events import record_case_event
from rapport.cases.models import Case, CaseEventKind, StatusLinkKey
from rapport.people.models import Agent


@transaction.atomic
def revoke_status_links(*, case: Case, by: Agent | None, now: datetime | None = None) -> int:
    """Every status link of `case` made so far stops working; the next one made works. Returns
    the new generation."""
    at = now or timezone.now()
    StatusLinkKey.objects.get_or_create(case=case)
    key = StatusLinkKey.objects.select_for_update().get(case=case)
    StatusLinkKey.objects.filter(pk=key.pk).update(
        generation=F("generation") + 1, revoked_at=at, revoked_by=by
    )
    record_case_event(
        case,
        kind=CaseEventKind.STATUS_LINK_REVOKED,
        by=by,
        before={"generation": key.generation},
        after={"generation": key.generation + 1},
        reason="Every status link sent so far stops working.",
        at=at,
    )
    return key.generation + 1
