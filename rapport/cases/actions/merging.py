"""Merging two cases of a customer (splitting a message off into a case of its own opens a
case: `rapport.routing.actions.opening.split_message`)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from rapport.cases.actions.events import record_case_event
from rapport.cases.models import (
    Call,
    Case,
    CaseEventKind,
    Message,
    Status,
    first_response,
)
from rapport.lib.errors import ActionError
from rapport.people.models import Agent


@transaction.atomic
def merge_cases(*, source: Case, target: Case, by: Agent | None, reason: str = "") -> Case:
    """All messages, calls and events of `source` move to `target`; `source` is closed."""
    if source.pk == target.pk:
        raise ActionError("A case cannot be merged into itself.")
    locked = {
        c.pk: c for c in Case.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
    }
    source, target = locked[source.pk], locked[target.pk]
    if source.customer_id != target.customer_id:
        raise ActionError(
            "Only cases of the same customer can be merged; merge the customers first."
        )
    if source.merged_into_id is not None:
        raise ActionError(f"Case #{source.pk} was already merged into #{source.merged_into_id}.")
    if target.status == Status.CLOSED:
        raise ActionError(f"Case #{target.pk} is closed; merge into an active case.")
    moved = {
        "messages": Message.objects.filter(case=source).update(case=target),
        "calls": Call.objects.filter(case=source).update(case=target),
    }
    now = timezone.now()
    Case.objects.filter(pk=source.pk).update(
        status=Status.CLOSED, merged_into=target, updated_at=now
    )
    target.tags = sorted(set(target.tags) | set(source.tags))
    target.updated_at = now
    if target.first_response_at is None and source.first_response_at is not None:
        # Answered before the target came in: its customer already had a person (no wait
        # below nothing, which would read as negative live and as 0.5 s from the kept days).
        answered = max(source.first_response_at, target.created_at)
        for name, value in first_response(target, answered).items():
            setattr(target, name, value)
    target.save(update_fields=["tags", "updated_at", "first_response_at", "first_wait"])
    record_case_event(
        source,
        by=by,
        kind=CaseEventKind.MERGED_INTO,
        before={"status": source.status},
        after={"case": target.pk, "status": Status.CLOSED},
        reason=reason,
    )
    record_case_event(
        target, by=by, kind=CaseEventKind.MERGED, after={"case": source.pk, **moved}, reason=reason
    )
    target.refresh_from_db()
    return target
