"""Time to a named human's kept days, summed per local calendar month (`WaitMonth`) and per day
to new and answered cases (`WaitTotalDay`), so a year is read from ~12 months of bucket rows and
a row per day instead of every day's bucket rows (~800 a day for the whole desk, 293k a year at
1M cases, 0.35-0.6 s to group on SQLite).

A month's rows are the sum of its days' current `WaitDay` rows: they are built again, in the
same transaction, whenever one of its days is built (`rollups.build_days`), and only once every
day of the month is kept (a month with a day never built has no rows). A window reads a month's
rows only when every day of that month is one of the window's fresh kept days (`Split.kept`),
and the rest of its kept days per day, so the figures are the sums of the same day rows as
before: counts exact, percentiles within the buckets' resolution, as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from django.db.models import Sum

from rapport.insights.models import RollupDay, WaitDay, WaitMonth, WaitTotalDay

FIGURES = ("cases", "on_time", "no_deadline", "late")
GROUPS = ("whole", "team", "brand", "channel", "priority", "bucket")


def month_days(first: date) -> list[date]:
    """Every day of the calendar month starting on `first`."""
    after = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return [first + timedelta(days=n) for n in range((after - first).days)]


def whole_months(days: Iterable[date]) -> list[date]:
    """The first days of the calendar months every day of which is in `days`."""
    kept = set(days)
    firsts = sorted({day.replace(day=1) for day in kept})
    return [first for first in firsts if kept.issuperset(month_days(first))]


def day_totals(rows: Iterable[WaitDay]) -> list[WaitTotalDay]:
    """Per day, team and brand (and the whole desk), the cases and those answered, from the
    day's channel rows (they count each case once; the priority rows count them again)."""
    totals: dict[tuple[Any, ...], list[int]] = {}
    for row in rows:
        if row.priority:
            continue
        found = totals.setdefault((row.day, row.whole, row.team, row.brand), [0, 0])
        found[0] += row.cases
        if row.bucket >= 0:
            found[1] += row.cases
    return [
        WaitTotalDay(day=day, whole=whole, team=team, brand=brand, cases=n, answered=answered)
        for (day, whole, team, brand), (n, answered) in totals.items()
    ]


def keep_days(days: Sequence[date], rows: list[WaitDay]) -> int:
    """Replace the kept rows of the contiguous `days` by `rows` and their day totals."""
    WaitDay.objects.filter(day__gte=days[0], day__lte=days[-1]).delete()
    WaitTotalDay.objects.filter(day__gte=days[0], day__lte=days[-1]).delete()
    WaitDay.objects.bulk_create(rows, batch_size=2000)
    WaitTotalDay.objects.bulk_create(day_totals(rows), batch_size=2000)
    return len(rows)


def keep_months(question: str, days: Sequence[date]) -> int:
    """Sum again the months of `days` (whose rows were just built) in which every day is kept
    (`RollupDay` of `question`): one grouped query per such month over its days' rows."""
    made = 0
    for first in sorted({day.replace(day=1) for day in days}):
        every = month_days(first)
        WaitMonth.objects.filter(day=first).delete()
        built = RollupDay.objects.filter(
            question=question, day__gte=every[0], day__lte=every[-1]
        ).count()
        if built < len(every):
            continue
        summed = (
            WaitDay.objects.filter(day__gte=every[0], day__lte=every[-1])
            .values(*GROUPS)
            .annotate(**{name: Sum(name) for name in FIGURES})
            .order_by()
        )
        rows = [WaitMonth(day=first, **row) for row in summed]
        WaitMonth.objects.bulk_create(rows, batch_size=2000)
        made += len(rows)
    return made


def outside(days: Sequence[date], months: Sequence[date]) -> list[date]:
    """The `days` in none of the calendar months starting on `months`."""
    firsts = set(months)
    return [day for day in days if day.replace(day=1) not in firsts]
