"""Sentiment over time: the share of customers' messages triage read as upset, urgent or a
compliment, per week of the desk, and the most common kinds of reason for upset.

Read from `triage.MessageSignal`, written when each message is triaged (one row per signal and
reason kind; messages triaged before it existed were filled from their case's stored reading,
see the migration `triage/0004`). A message counts once per signal however many reasons it had;
the reasons table counts messages per kind, so one message may count under two kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet

from rapport.cases.models import Case, Direction, Message
from rapport.insights.narrow import of_cases
from rapport.insights.periods import as_day, percent, week_of, weeks
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
    cases: QuerySet[Case], *, since: datetime, until: datetime, zone: ZoneInfo
) -> Sentiment:
    """Five queries: customers' messages and raised signals, each in total and per week, and
    the REASON_ROWS most common kinds of reason for upset."""
    inbound = of_cases(
        Message.objects.filter(
            direction=Direction.INBOUND, created_at__gte=since, created_at__lt=until
        ),
        cases,
    )
    raised = of_cases(MessageSignal.objects.filter(at__gte=since, at__lt=until), cases)
    week = week_of("created_at", since=since, until=until, zone=zone)
    per_week_messages = {
        as_day(row["week"], zone): row["n"]
        for row in inbound.annotate(week=week).values("week").annotate(n=Count("created_at"))
    }
    per_week_signals = {
        as_day(row["week"], zone): row
        for row in raised.annotate(week=week_of("at", since=since, until=until, zone=zone))
        .values("week")
        .annotate(**_signal_figures())
    }
    totals = raised.aggregate(**_signal_figures())
    total = Mood(inbound.count(), totals["upset"], totals["urgent"], totals["compliment"])
    by_week = []
    for day in weeks(since, until, zone):
        row = per_week_signals.get(day, {})
        by_week.append(
            MoodWeek(
                day,
                Mood(
                    per_week_messages.get(day, 0),
                    row.get("upset", 0),
                    row.get("urgent", 0),
                    row.get("compliment", 0),
                ),
            )
        )
    reasons = [
        UpsetReason(row["kind"], row["n"], percent(row["n"], total.upset))
        for row in raised.filter(signal=TriageSignal.UPSET)
        .values("kind")
        .annotate(n=Count("message", distinct=True))
        .order_by("-n", "kind")[:REASON_ROWS]
    ]
    return Sentiment(total, by_week, reasons)
