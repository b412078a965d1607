"""Reads that assemble what a page shows, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.db.models import Prefetch

from rapport.cases.models import ACTIVE_STATUSES, Attachment, Call, Case, CaseEvent, Message
from rapport.people.models import Customer

# Audit kinds worth showing on the timeline; the rest stay in the case's history.
TIMELINE_EVENT_KINDS = ("opened", "status", "assigned", "priority", "merged", "split")


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    kind: Literal["message", "call", "event"]
    at: datetime
    case_id: int
    message: Message | None = None
    call: Call | None = None
    event: CaseEvent | None = None


def customer_timeline(
    customer: Customer, *, limit: int = 100, before: datetime | None = None
) -> list[TimelineEntry]:
    """Every message, call and key change of this customer across all cases, newest first."""
    messages = (
        Message.objects.filter(customer=customer)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("-created_at")
    )
    calls = Call.objects.filter(customer=customer).select_related("agent").order_by("-started_at")
    events = (
        CaseEvent.objects.filter(case__customer=customer, kind__in=TIMELINE_EVENT_KINDS)
        .select_related("actor")
        .order_by("-created_at")
    )
    if before is not None:
        messages = messages.filter(created_at__lt=before)
        calls = calls.filter(started_at__lt=before)
        events = events.filter(created_at__lt=before)
    entries = [
        *(TimelineEntry("message", m.created_at, m.case_id, message=m) for m in messages[:limit]),
        *(TimelineEntry("call", c.started_at, c.case_id, call=c) for c in calls[:limit]),
        *(TimelineEntry("event", e.created_at, e.case_id, event=e) for e in events[:limit]),
    ]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


def other_open_cases(customer: Customer, *, exclude: int | None = None) -> list[Case]:
    cases = Case.objects.filter(customer=customer, status__in=ACTIVE_STATUSES).select_related(
        "owner"
    )
    if exclude is not None:
        cases = cases.exclude(pk=exclude)
    return list(cases.order_by("-updated_at")[:20])
