"""Reads for the care pages and the API: calls due, an honest callback window, word of mouth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch, Q, QuerySet

from rapport.care.models import UNKEPT, Promise, PromiseKind, PromiseStatus, WordOfMouth
from rapport.care.windows import describe_window, next_free_window
from rapport.cases.models import Case
from rapport.lib.errors import ActionError
from rapport.people.models import Agent, Customer, Identity, IdentityKind, RapportNote
from rapport.routing.core import choose_owner, within_brand
from rapport.routing.service import load_candidates, need_for

CALL_KINDS = (PromiseKind.FOLLOW_UP, PromiseKind.CALLBACK)
# What one callback takes of an agent's time when we promise the next one, and the window width.
PER_CALLBACK = timedelta(minutes=10)
CALLBACK_WINDOW = timedelta(minutes=30)


def end_of_day(now: datetime, timezone: str) -> datetime:
    tz = ZoneInfo(timezone)
    day = now.astimezone(tz).date() + timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=tz)


def calls_due(agent: Agent, *, now: datetime) -> list[Promise]:
    """The agent's calls until the end of their own day, overdue ones first by due time; plus
    missed calls escalated to them as the customer's deputy. Three queries, whatever the count."""
    until = end_of_day(now, agent.timezone)
    mine = Q(owner=agent, status__in=UNKEPT)
    as_deputy = Q(status=PromiseStatus.MISSED, customer__deputy=agent)
    rows = (
        Promise.objects.filter(mine | as_deputy, kind__in=CALL_KINDS, due_at__lt=until)
        .select_related("customer", "case", "owner")
        .prefetch_related(
            Prefetch(
                "customer__identities",
                queryset=Identity.objects.filter(kind=IdentityKind.PHONE).order_by(
                    "-is_primary", "pk"
                ),
                to_attr="phones",
            ),
            Prefetch(
                "customer__rapport_notes",
                queryset=RapportNote.objects.filter(pinned=True).order_by("-created_at"),
                to_attr="pinned_notes",
            ),
        )
        .order_by("due_at", "pk")
    )
    return list(rows[:200])


def open_promises(customer: Customer, *, visible: QuerySet[Case] | None) -> list[Promise]:
    """Every unkept promise to one customer on the `visible` cases (None: all of them), soonest
    first (the case page side panel)."""
    promises = Promise.objects.filter(customer=customer, status__in=UNKEPT)
    if visible is not None:
        promises = promises.filter(case__in=visible)
    return list(promises.select_related("owner").order_by("due_at", "pk")[:20])


@dataclass(frozen=True, slots=True)
class CallbackQuote:
    agent_id: int
    start: datetime
    end: datetime
    queue_ahead: int
    reason: str
    timezone: str

    def describe(self) -> str:
        return describe_window(self.start, self.end, timezone=self.timezone)


def quote_callback(case: Case, *, now: datetime, at: datetime | None = None) -> CallbackQuote:
    """Who will call and when, honestly: the person routing would choose at that moment
    (continuity first), after the callbacks already waiting for them, in their working time."""
    earliest = max(at or now, now)
    need = need_for(case)
    # Only the people of the case's business call its customers back.
    candidates = within_brand(load_candidates(now=now), need.brand_id)
    if not candidates:
        raise ActionError("There is nobody to call the customer back yet.")
    decision = choose_owner(need, candidates, now=earliest)
    calendar = next(c.calendar for c in candidates if c.agent_id == decision.agent_id)
    booked = list(
        Promise.objects.filter(
            owner_id=decision.agent_id,
            kind=PromiseKind.CALLBACK,
            status=PromiseStatus.OPEN,
            due_at__lt=earliest + timedelta(days=1),
        ).values_list("due_at", flat=True)
    )
    window = next_free_window(
        calendar=calendar,
        earliest=max(earliest, decision.pickup_at),
        booked=[max(due, earliest) for due in booked],
        per_call=PER_CALLBACK,
        width=CALLBACK_WINDOW,
    )
    if window is None:
        raise ActionError(f"{decision.reason}, but has no working hours in the next year.")
    return CallbackQuote(
        agent_id=decision.agent_id,
        start=window.start,
        end=window.end,
        queue_ahead=window.queue_ahead,
        reason=decision.reason,
        timezone=case.customer.timezone,
    )


def word_of_mouth_for(customer: Customer) -> list[WordOfMouth]:
    return list(
        WordOfMouth.objects.filter(Q(referrer=customer) | Q(referred=customer))
        .select_related("referrer", "referred", "recorded_by")
        .order_by("-on", "-pk")[:50]
    )


def word_of_mouth_counts(customers: QuerySet[Customer]) -> dict[str, list[tuple[str, int]]]:
    """How many people each customer recommended us to, and per relationship owner."""
    rows = WordOfMouth.objects.filter(referrer__in=customers)
    by_customer = (
        rows.values("referrer_id", "referrer__name")
        .annotate(n=Count("id"))
        .order_by("-n", "referrer__name")[:50]
    )
    by_owner = (
        rows.values("referrer__owner__display_name").annotate(n=Count("id")).order_by("-n")[:50]
    )
    return {
        "customers": [(str(r["referrer__name"]), int(r["n"])) for r in by_customer],
        "owners": [(str(r["referrer__owner__display_name"] or "—"), int(r["n"])) for r in by_owner],
    }
