"""Sentiment over time: the share of customers' messages triage read as upset, urgent or a
compliment, per week of the desk, and the most common kinds of reason for upset.

Read from `triage.MessageSignal`, written when each message is triaged (one row per signal and
reason kind; messages triaged before it existed were filled from their case's stored reading,
see the migration `triage/0004`). A message counts once per signal however many reasons it had;
the reasons table counts messages per kind, so one message may count under two kinds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from rapport.cases.models import Case, Direction, Message
from rapport.insights.models import SentimentDay, UpsetReasonDay
from rapport.insights.narrow import RowT, of_cases
from rapport.insights.periods import as_day, percent, week_of, week_of_date, weeks
from rapport.insights.rollups import SENTIMENT, Keys, Split, split_window
from rapport.triage.models import MessageSignal, TriageSignal

SHOWN = (TriageSignal.UPSET, TriageSignal.URGENT, TriageSignal.COMPLIMENT)
REASON_ROWS = 10


@dataclass(frozen=True)
class Mood:
    messages: int  # customers' messages
    upset: int
    urgent: int
    compliment: int

    @property
    def upset_percent(self) -> float | None:
        return percent(self.upset, self.messages)

    @property
    def urgent_percent(self) -> float | None:
        return percent(self.urgent, self.messages)

    @property
    def compliment_percent(self) -> float | None:
        return percent(self.compliment, self.messages)


@dataclass(frozen=True)
class MoodWeek:
    week: date
    mood: Mood


@dataclass(frozen=True)
class UpsetReason:
    kind: str
    messages: int
    share: float | None  # of the upset messages


@dataclass(frozen=True)
class Sentiment:
    total: Mood
    by_week: list[MoodWeek]
    upset_reasons: list[UpsetReason]


def _signal_figures() -> dict[str, Any]:
    return {
        str(signal): Count("message", distinct=True, filter=Q(signal=signal)) for signal in SHOWN
    }


def sentiment(
    cases: QuerySet[Case],
    *,
    since: datetime,
    until: datetime,
    zone: ZoneInfo,
    kept: Keys | None = None,
    now: datetime | None = None,
) -> Sentiment:
    """Customers' messages and raised signals per week, and the upset messages per kind of
    reason: three queries over the live part of the window. Given `kept` (the scope's filters
    over the whole desk) and `now`, the settled days kept per day (`rapport/insights/rollups.py`)
    answer their part in two more queries (and one to find them): the same figures."""
    if kept is not None and now is not None:
        split = split_window(SENTIMENT, since=since, until=until, now=now, zone=zone)
    else:
        split = Split([], [(since, until)])

    def narrowed(rows: QuerySet[RowT, Any]) -> QuerySet[RowT, Any]:
        # With kept days the live part is a few days: read them, joined to their cases.
        return kept.narrow(rows, via="case") if kept and split.kept else of_cases(rows, cases)

    inbound = narrowed(
        Message.objects.filter(split.live_q("created_at"), direction=Direction.INBOUND)
    )
    raised = narrowed(MessageSignal.objects.filter(split.live_q("at")))
    week = week_of("created_at", since=since, until=until, zone=zone)
    weekly: dict[date, list[int]] = {day: [0, 0, 0, 0] for day in weeks(since, until, zone)}
    for row in inbound.annotate(week=week).values("week").annotate(n=Count("created_at")):
        weekly[as_day(row["week"], zone)][0] += row["n"]
    for row in (
        raised.annotate(week=week_of("at", since=since, until=until, zone=zone))
        .values("week")
        .annotate(**_signal_figures())
    ):
        _add(weekly[as_day(row["week"], zone)], 1, row)
    by_kind: dict[str, int] = {}
    for row in (
        raised.filter(signal=TriageSignal.UPSET)
        .values("kind")
        .annotate(n=Count("message", distinct=True))
    ):
        by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + row["n"]
    if kept is not None and split.kept:
        per_week, reasons = sentiment_kept(
            split, kept, week_of_date("day", since=since, until=until, zone=zone)
        )
        for row in per_week:
            figures = weekly[as_day(row["week"], zone)]
            figures[0] += row["n"]
            _add(figures, 1, row)
        for row in reasons:
            by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + row["n"]
    # A week's messages and each week's distinct messages per signal add up to the window's: a
    # message and its signals share one time (`MessageSignal.at` is its arrival).
    by_week = [MoodWeek(day, Mood(*figures)) for day, figures in weekly.items()]
    total = Mood(*(sum(w[i] for w in weekly.values()) for i in range(4)))
    top = sorted(by_kind.items(), key=lambda item: (-item[1], item[0]))[:REASON_ROWS]
    reasons_shown = [UpsetReason(kind, n, percent(n, total.upset)) for kind, n in top]
    return Sentiment(total, by_week, reasons_shown)


def _add(figures: list[int], offset: int, row: dict[str, Any]) -> None:
    for i, signal in enumerate(SHOWN):
        figures[offset + i] += row[str(signal)]


def sentiment_kept(
    split: Split, keys: Keys, week: Any
) -> tuple[Iterable[dict[str, Any]], Iterable[dict[str, Any]]]:
    """Two queries' rows: kept figures per week, and upset messages per kind."""
    if not split.kept:
        return [], []
    # Coalesced: a window of one week groups by a constant, which the database drops, and no
    # kept row of the filter then still answers one row of NULL sums.
    per_week = (
        keys.narrow(SentimentDay.objects.filter(split.kept_q()))
        .annotate(week=week)
        .values("week")
        .annotate(
            **{
                name: Coalesce(Sum(column), 0)
                for name, column in (
                    ("n", "messages"),
                    ("upset", "upset"),
                    ("urgent", "urgent"),
                    ("compliment", "compliment"),
                )
            }
        )
    )
    reasons = (
        keys.narrow(UpsetReasonDay.objects.filter(split.kept_q()))
        .values("kind")
        .annotate(n=Sum("messages"))
    )
    return list(per_week), list(reasons)
