"""Weeks in the desk's time zone: the buckets every "over time" figure of insights uses. A week
starts on Monday at midnight where the desk is (`TruncWeek` with the zone, in SQL), so a message
at 00:30 on a Monday after the clocks changed belongs to that Monday's week."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import DateField, DateTimeField
from django.db.models.functions import TruncWeek


def week_of(field: str, zone: ZoneInfo) -> TruncWeek:
    """The SQL expression for the Monday (local midnight) of a datetime column's week."""
    return TruncWeek(field, tzinfo=zone, output_field=DateTimeField())


def week_of_date(field: str) -> TruncWeek:
    """The same for a date column (already a local day)."""
    return TruncWeek(field, output_field=DateField())


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
