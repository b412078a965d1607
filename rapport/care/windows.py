"""When a promise falls due, in the customer's own wall-clock time, and the honest window a
callback can promise. Pure Python (no Django): the caller loads calendars and bookings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rapport.lib.hours import BusinessCalendar

ROUND_TO = timedelta(minutes=5)


def local_day_at(at: datetime, *, timezone: str, days: int, clock: time) -> datetime:
    """`days` after `at`'s date in `timezone`, at wall-clock `clock` there (UTC result).

    Wall-clock arithmetic: "tomorrow at 10:00" stays 10:00 across a daylight-saving change.
    A clock time that does not exist that day (skipped by DST) moves forward with the clocks.
    """
    tz = ZoneInfo(timezone)
    day = at.astimezone(tz).date() + timedelta(days=days)
    local = datetime.combine(day, clock, tzinfo=tz)
    # Round-tripping through UTC normalises a non-existent time (02:30 on the spring change).
    return local.astimezone(UTC)


def round_up(at: datetime, step: timedelta = ROUND_TO) -> datetime:
    """Promise round times: 10:07 -> 10:10 (a customer hears "from 10:10", not "10:07:31")."""
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    steps = -(-(at - epoch) // step)
    return epoch + steps * step


@dataclass(frozen=True, slots=True)
class Window:
    start: datetime
    end: datetime
    # Callbacks already waiting in front of this one with the same person.
    queue_ahead: int


def next_free_window(
    *,
    calendar: BusinessCalendar,
    earliest: datetime,
    booked: Iterable[datetime],
    per_call: timedelta,
    width: timedelta,
) -> Window | None:
    """The first window in the agent's working time at or after `earliest`, after every
    callback already booked at or before that slot (each takes `per_call` of working time).

    None when the agent has no working time within the calendar's horizon.
    """
    slot = calendar.next_open(earliest)
    if slot is None:
        return None
    ahead = 0
    for due in sorted(booked):
        if due > slot:
            break
        slot = calendar.add(slot, per_call)
        ahead += 1
    opens = calendar.next_open(slot)
    if opens is None:
        return None
    start = round_up(opens)
    return Window(start=start, end=start + width, queue_ahead=ahead)


def describe_window(window_start: datetime, window_end: datetime, *, timezone: str) -> str:
    """ "Tuesday 10:10 to 10:40 (Europe/Madrid)": what the customer is told, in their time."""
    tz = ZoneInfo(timezone)
    start, end = window_start.astimezone(tz), window_end.astimezone(tz)
    return f"{start:%A %-d %B, %H:%M} to {end:%H:%M} ({timezone})"
