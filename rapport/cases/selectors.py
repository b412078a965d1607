"""Reads that assemble what a page shows, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.db.models import Prefetch, QuerySet

from rapport.cases.access import access_reason
from rapport.cases.models import (
    ACTIVE_STATUSES,
    Attachment,
    Call,
    Case,
    CaseEvent,
    CaseEventKind,
    Message,
)
from rapport.people.models import Agent, Customer

# Audit kinds worth showing on the timeline; the rest stay in the case's history.
TIMELINE_EVENT_KINDS = (
    CaseEventKind.OPENED,
    CaseEventKind.STATUS,
    CaseEventKind.ASSIGNED,
    CaseEventKind.PRIORITY,
    CaseEventKind.MERGED,
    CaseEventKind.SPLIT,
    CaseEventKind.SOCIAL_HANDLE,  # the post under a new name is still theirs: say so
)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    kind: Literal["message", "call", "event"]
    at: datetime
    case_id: int
    message: Message | None = None
    call: Call | None = None
    event: CaseEvent | None = None


def customer_timeline(
    customer: Customer,
    *,
    visible: QuerySet[Case] | None,
    limit: int = 100,
    before: datetime | None = None,
) -> list[TimelineEntry]:
    """Every message, call and key change of this customer across the `visible` cases (None:
    all of them), newest first."""
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
    if visible is not None:
        messages = messages.filter(case__in=visible)
        calls = calls.filter(case__in=visible)
        events = events.filter(case__in=visible)
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


def other_open_cases(
    customer: Customer, *, visible: QuerySet[Case] | None, exclude: int | None = None
) -> list[Case]:
    """The customer's active cases among the `visible` ones (None: all of them)."""
    cases = (visible if visible is not None else Case.objects.filter(customer=customer)).filter(
        status__in=ACTIVE_STATUSES
    )
    cases = cases.select_related("owner")
    if exclude is not None:
        cases = cases.exclude(pk=exclude)
    return list(cases.order_by("-updated_at")[:20])


@dataclass(frozen=True, slots=True)
class Handover:
    """What the person who handed a case over is told: who has it now, and whether they may
    still open it (the web page and the API say the same)."""

    you_can_open: bool
    what_next: str


def handover(case: Case, *, by: Agent) -> Handover:
    """After `assign_case`: the new owner (told by a notification), and the case's fate for
    the person who handed it over."""
    owner = case.owner
    holder = "nobody" if owner is None else owner.display_name
    if owner is not None and case.team is not None:
        holder += f" ({case.team})"
    told = " and has been notified" if owner is not None and owner.pk != by.pk else ""
    reason = access_reason(by, case)
    fate = (
        "it has left your cases, so you can no longer open it"
        if reason is None
        else f"you still open it {reason}"
    )
    return Handover(reason is not None, f"{holder} now owns case {case.reference}{told}; {fate}.")
