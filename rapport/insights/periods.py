"""Weeks in the desk's time zone: the buckets every "over time" figure of insights uses. A week
starts on Monday at midnight where the desk is, so a message at 00:30 on a Monday after the
clocks changed belongs to that Monday's week."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Case, DateField, Expression, Field, Value, When


def week_of(field: str, *, since: datetime, until: datetime, zone: ZoneInfo) -> Expression:
    """The SQL expression for the Monday of the week a datetime column's row falls in, for rows
    in [since, until): the weeks' starts (local midnights, as instants) compared with the column
    (`period_of`). Not `TruncWeek(field, tzinfo=zone)`: on SQLite that is a Python function
    Django registers, called once per row (12 s of CPU for a year of customers' messages on the
    1M-case bench desk)."""
    mondays = weeks(since, until, zone)
    starts = [datetime.combine(monday, time(0), tzinfo=zone) for monday in mondays]
    return period_of(field, starts, mondays, DateField())


def week_of_date(field: str, *, since: datetime, until: datetime, zone: ZoneInfo) -> Expression:
    """The same for a date column (already a local day)."""
    mondays = weeks(since, until, zone)
    return period_of(field, mondays, mondays, DateField())


def period_of(
    field: str,
    starts: Sequence[date | datetime],
    values: Sequence[Any],
    output_field: Field[Any, Any],
) -> Expression:
    """`values[i]` for a row whose `field` is in [starts[i], starts[i + 1]) (the last period
    open-ended; a row is never before starts[0]): a binary search written as nested CASEs, about
    log2(periods) plain comparisons a row (six for a year of weeks), made by the database."""
    if len(starts) == 1:
        return Value(values[0], output_field=output_field)
    middle = len(starts) // 2
    return Case(
        When(
            **{f"{field}__lt": starts[middle]},
            then=period_of(field, starts[:middle], values[:middle], output_field),
        ),
        default=period_of(field, starts[middle:], values[middle:], output_field),
        output_field=output_field,
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
