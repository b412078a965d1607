"""Times as people type them: a wall-clock reading in a named zone.

Django's `DateTimeField` reads a typed time in the *current* time zone (the signed-in agent's),
so "09:00" typed for a customer in Lisbon by an agent in Madrid became 08:00 in Lisbon. Every
form that takes a time for someone uses `WallClockField`, which keeps the reading as typed, and
`in_zone`, which places it in the zone named beside it — refusing a time the clocks skip and
taking the first of a time they repeat.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.core.exceptions import ValidationError
from django.forms.fields import BaseTemporalField
from django.utils.dateparse import parse_datetime

from rapport.lib.errors import ActionError


class WallClockField(forms.DateTimeField):
    """A date and time as typed, without a zone (unless the input gives its own offset)."""

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        try:
            parsed = parse_datetime(text)
        except ValueError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if parsed is None:
            # The field's other input formats ("2026-03-29 09:00", ...), still without a zone.
            parsed = BaseTemporalField.to_python(self, text)
        return parsed

    def strptime(self, value: str, format: str) -> datetime:
        return datetime.strptime(value, format)  # noqa: DTZ007 -- a wall-clock reading, placed later


def known_zone(name: str) -> ZoneInfo | None:
    """The zone called `name`, or None for anything else a visitor can type: "", "../../etc",
    a directory of zones ("America"), a data file ("zone.tab"), a name too long for a path."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def zone_named(name: str, *, field: str = "timezone") -> ZoneInfo:
    zone = known_zone(name)
    if zone is None:
        raise ActionError(f"{name!r} is not a known time zone.", field=field)
    return zone


def in_zone(value: datetime, zone: str, *, field: str = "") -> datetime:
    """`value` read as the wall clock in `zone` (aware values keep their own offset).

    A time the clocks skip (02:30 on the night they go forward) does not exist there and is
    refused; a time they repeat (02:30 on the night they go back) is the first of the two.
    The result is in UTC: an aware time in a repeated hour never equals another zone's (PEP 495).
    """
    if value.tzinfo is not None:
        return value
    tz = zone_named(zone)
    placed = value.replace(tzinfo=tz, fold=0)
    try:
        back = placed.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    except OverflowError as exc:  # 9999-12-31 23:30 in Los Angeles is in the year 10000 in UTC
        raise ActionError(
            f"{value:%Y-%m-%d %H:%M} in {zone} cannot be placed on the calendar. Choose another "
            "time.",
            field=field,
        ) from exc
    if back != value:
        raise ActionError(
            f"{value:%H:%M} does not exist on {value:%A %-d %B %Y} in {zone}: the clocks go "
            "forward then. Choose another time.",
            field=field,
        )
    return placed.astimezone(UTC)
