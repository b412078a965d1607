"""Weeks in the desk's time zone: the buckets every "over time" figure of insights uses. A week
starts on Monday at midnight where the desk is, so a message at 00:30 on a Monday after the
clocks changed belongs to that Monday's week."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Case, DateField, Value, When


def week_of(field: str, *, since: datetime, until: datetime, zone: ZoneInfo) -> Case | Value:
    """The SQL expression for the Monday of the week a datetime column's row falls in, for rows
    in [since, until): the weeks' starts (local midnights, as instants) are worked out here and
    the row's week found by comparing the column with them, a binary search written as nested
    CASEs (six comparisons for a year). Not `TruncWeek(field, tzinfo=zone)`: on SQLite that is
    a Python function Django registers, called once per row (12 s of CPU for a year of
    customers' messages on the 1M-case bench desk)."""
    mondays = weeks(since, until, zone)
    starts = [datetime.combine(monday, time(0), tzinfo=zone) for monday in mondays]
    return _search(field, mondays, starts, 0, len(mondays))


def week_of_date(field: str, *, since: datetime, until: datetime, zone: ZoneInfo) -> Case | Value:
    """The same for a date column (already a local day)."""
    mondays = weeks(since, until, zone)
    return _search(field, mondays, mondays, 0, len(mondays))


def _search(
    field: str, mondays: list[date], starts: Sequence[date | datetime], first: int, end: int
) -> Case | Value:
    """The week of a row known to be in one of mondays[first:end]."""
    if end - first == 1:
        return Value(mondays[first], output_field=DateField())
    middle = (first + end) // 2
    return Case(
        When(
            **{f"{field}__lt": starts[middle]}, then=_search(field, mondays, starts, first, middle)
        ),
        default=_search(field, mondays, starts, middle, end),
        output_field=DateField(),
    )


def as_day(value: datetime | date, zone: ZoneInfo) -> date:
    """A week's start as the database gave it, as the local date of that Monday."""
    if isinstance(value, datetime):
        return value.astimezone(zone).date() if value.tzinfo else value.date()
    return value


def weeks(since: datetime, until: datetime, zone: ZoneInfo) -> list[date]:
    """Every Monday (local) whose week overlaps [since, until), oldest first: the chart's axis,
    so an empty week shows as empty rather than missing."""
    first = since.astimezone(zone).date()
    first -= timedelta(days=first.weekday())
    last = (until - timedelta(microseconds=1)).astimezone(zone).date()
    out = []
    while first <= last:
        out.append(first)
        first += timedelta(days=7)
    return out


def percent(part: int, whole: int) -> float | None:
    """One decimal; None when there was nothing to count, never a made-up 0."""
    return round(100 * part / whole, 1) if whole else None
