"""What matters, measured: how long customers wait for a named human, and who waits now."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Case as CaseWhen
from django.db.models import Count, F, IntegerField, Q, QuerySet, Value, When

from rapport.cases.models import (
    PRIORITY_RANK,
    Case,
    Direction,
    Initiative,
    Message,
    SavedReply,
)
from rapport.cases.queue import ACTIVE_INDEXED
from rapport.insights.narrow import of_cases
from rapport.insights.percentiles import minutes, percentiles

# Answered by a person; and by the first-response deadline (a case without one counts as on time).
ANSWERED = Q(first_response_at__isnull=False)
ON_TIME = ANSWERED & (
    Q(first_response_due_at__isnull=True) | Q(first_response_at__lte=F("first_response_due_at"))
)


@dataclass(frozen=True)
class WaitStats:
    cases: int
    answered: int
    median_minutes: float | None
    p90_minutes: float | None
    within_target: float | None  # share answered by the first-response deadline
    by_channel: dict[str, float] = field(default_factory=dict)  # median minutes

    def as_dict(self) -> dict[str, object]:
        return {
            "cases": self.cases,
            "answered": self.answered,
            "median_minutes": self.median_minutes,
            "p90_minutes": self.p90_minutes,
            "within_target": self.within_target,
            "by_channel": self.by_channel,
        }


def time_to_human(cases: QuerySet[Case], *, since: datetime, until: datetime) -> WaitStats:
    """Arrival to the first human action the customer could see (a reply or a reached call),
    over cases the customer started: outreach the desk began is not a wait for a person."""
    window = cases.filter(
        initiative=Initiative.CUSTOMER, created_at__gte=since, created_at__lt=until
    )
    counts = window.aggregate(
        cases=Count("pk"),
        answered=Count("pk", filter=ANSWERED),
        on_time=Count("pk", filter=ON_TIME),
    )
    wait = F("first_wait")
    overall = percentiles(window, value=wait).get(None)
    by_channel = percentiles(window, value=wait, group="origin_channel")
    answered = counts["answered"]
    return WaitStats(
        cases=counts["cases"],
        answered=answered,
        median_minutes=minutes(overall.p50) if overall else None,
        p90_minutes=minutes(overall.p90) if overall else None,
        within_target=round(counts["on_time"] / answered, 3) if answered else None,
        by_channel={
            str(name): minutes(spread.p50) or 0.0 for name, spread in sorted(by_channel.items())
        },
    )


_PRIORITY_ORDER = CaseWhen(
    *[When(priority=priority, then=Value(rank)) for priority, rank in PRIORITY_RANK.items()],
    default=Value(len(PRIORITY_RANK)),
    output_field=IntegerField(),
)


def waiting_for_a_human(cases: QuerySet[Case], *, limit: int = 20) -> list[Case]:
    """Active cases a customer started that nobody has answered yet: the most pressing first
    (an urgent chat never sinks below a day-old question), then the longest waiting."""
    return list(
        cases.filter(
            ACTIVE_INDEXED,
            initiative=Initiative.CUSTOMER,
            first_response_at__isnull=True,
        )
        .select_related("customer", "owner")
        .order_by(_PRIORITY_ORDER, "created_at", "pk")[:limit]
    )


def outbound_open(cases: QuerySet[Case]) -> int:
    """Active cases the desk started (incident outreach, calls we place): outbound work,
    counted apart from customers waiting on us."""
    return cases.filter(ACTIVE_INDEXED, initiative=Initiative.DESK).count()


def overdue(cases: QuerySet[Case], *, now: datetime, limit: int = 20) -> list[Case]:
    return list(
        cases.filter(ACTIVE_INDEXED, next_response_due_at__lte=now)
        .select_related("customer", "owner")
        .order_by("next_response_due_at", "pk")[:limit]
    )


def open_load(cases: QuerySet[Case]) -> list[tuple[int | None, int]]:
    """(owner id, active cases) for every owner, busiest first."""
    rows = (
        cases.filter(ACTIVE_INDEXED)
        .values("owner_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("owner_id", "n")
    )
    return list(rows)


def default_window(now: datetime) -> tuple[datetime, datetime]:
    return now - timedelta(days=7), now


@dataclass(frozen=True)
class SavedReplyUse:
    """Replies to customers in a window: how many started from a saved reply and how many of
    those went out word for word (where the business allows it), per saved reply."""

    replies: int
    from_saved_replies: int
    sent_unchanged: int
    by_saved_reply: list[dict[str, object]] = field(default_factory=list)


def saved_reply_use(
    cases: QuerySet[Case], *, since: datetime, until: datetime, limit: int = 10
) -> SavedReplyUse:
    """Three queries: the replies; those started from a saved reply per saved reply, from
    `message_started_window` (their sum: how many started from one and went out unchanged); and
    the titles of the saved replies used. A year on the 1M bench desk read its 1.4M replies'
    index entries twice and joined 288k to their titles; now it counts the 1.4M once and groups
    the 288k alone. The most used first, ties by title in the database's order; a deleted one is
    left out of the list, its replies still counted."""
    replies = of_cases(
        Message.objects.filter(
            direction=Direction.OUTBOUND,
            author__isnull=False,
            created_at__gte=since,
            created_at__lt=until,
        ),
        cases,
    )
    # COUNT(*): SQLite counts index entries without reading a column of each.
    total = replies.aggregate(replies=Count("*"))["replies"]
    started = list(
        replies.filter(sent_unchanged__isnull=False)
        .values("saved_reply")
        .annotate(used=Count("*"), unchanged=Count("created_at", filter=Q(sent_unchanged=True)))
        .order_by()
    )
    uses = {row["saved_reply"]: row for row in started if row["saved_reply"] is not None}
    titled = (
        SavedReply.objects.filter(pk__in=uses).order_by("title", "pk").values_list("pk", "title")
    )
    # A stable sort: equal uses keep the database's title order.
    top = sorted(titled, key=lambda found: -uses[found[0]]["used"])[:limit]
    return SavedReplyUse(
        replies=total,
        from_saved_replies=sum(row["used"] for row in started),
        sent_unchanged=sum(row["unchanged"] for row in started),
        by_saved_reply=[
            {
                "id": pk,
                "title": title,
                "used": uses[pk]["used"],
                "sent_unchanged": uses[pk]["unchanged"],
            }
            for pk, title in top
        ],
    )
