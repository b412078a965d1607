"""Splitting a message off into a case of its own, and merging two cases of a customer."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from rapport.cases.actions.events import record_case_event
from rapport.cases.models import (
    Call,
    Case,
    CaseEventKind,
    Direction,
    Message,
    Status,
)
from rapport.cases.rules import (
    preview,
)
from rapport.lib.errors import ActionError
from rapport.people.models import Agent


@transaction.atomic
def split_message(*, message: Message, by: Agent, subject: str = "") -> Case:
    """Move one customer message (and what came after it in reply) into a case of its own."""
    if message.direction != Direction.INBOUND:
        raise ActionError("Only a customer's message can start a new case.")
    origin = message.case
    new_case = Case.objects.create(
        customer_id=message.customer_id,
        subject=" ".join(subject.split())[:300] or preview(message.text)[:80],
        priority=origin.priority,
        owner=origin.owner,
        team=origin.team,
        origin_channel=message.channel,
        last_message_preview=preview(message.text),
        status=Status.OPEN,
    )
    Message.objects.filter(pk=message.pk).update(case=new_case)
    now = timezone.now()
    Case.objects.filter(pk=origin.pk).update(updated_at=now)
    record_case_event(
        origin, by=by, kind=CaseEventKind.SPLIT, after={"message": message.pk, "case": new_case.pk}
    )
    record_case_event(
        new_case,
        by=by,
        kind=CaseEventKind.OPENED,
        after={"split_from": origin.pk, "message": message.pk},
        reason=f"Split from case #{origin.pk}",
    )
    return new_case


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
        target.first_response_at = source.first_response_at
    target.save(update_fields=["tags", "updated_at", "first_response_at"])
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
