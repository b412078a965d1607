"""Business hours: when a site or agent is working, and deadlines counted in working time.

Pure Python (no Django). Times are stored as wall-clock hours in the calendar's own time zone;
all arithmetic is done in UTC so daylight-saving changes neither lose nor gain an hour.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How far ahead we look for the next working interval before giving up (a year and a bit).
HORIZON_DAYS = 400


class HoursError(ValueError):
    """Working hours are written wrongly; the message says how to fix them."""


def _parse_clock(raw: str, *, allow_24: bool) -> time | None:
    """'09:30' -> time(9, 30); '24:00' (end of day) -> None when allowed."""
    if allow_24 and raw.strip() == "24:00":
        return None
    try:
        hours, minutes = raw.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise HoursError(f"{raw!r} is not a time of day (expected HH:MM, e.g. 09:00)") from exc


Shift = tuple[time, time | None]  # end None means midnight at the end of the day


def parse_weekly(config: Mapping[str, Sequence[Sequence[str]]]) -> dict[int, list[Shift]]:
    """{"mon": [["09:00", "17:00"]], "fri": [["20:00", "08:00"]]} -> weekday -> shifts.

    A shift whose end is not after its start runs overnight into the next day.
    """
    weekly: dict[int, list[Shift]] = {day: [] for day in range(7)}
    for key, shifts in config.items():
        if key not in DAY_KEYS:
            raise HoursError(f"{key!r} is not a day (use {', '.join(DAY_KEYS)})")
        for shift in shifts:
            if len(shift) != 2:
                raise HoursError(f"A shift on {key} needs a start and an end, got {list(shift)!r}")
            start = _parse_clock(shift[0], allow_24=False)
            end = _parse_clock(shift[1], allow_24=True)
            assert start is not None  # noqa: S101 - allow_24=False never returns None
            if end == start:
                raise HoursError(f"The shift {shift[0]}-{shift[1]} on {key} has no length")
            weekly[DAY_KEYS.index(key)].append((start, end))
    return weekly


def hours_from_text(text: str) -> dict[str, list[list[str]]]:
    """ "mon-fri 08:00-20:00; sat 09:00-13:00, 15:00-18:00" -> the `working_hours` mapping.

    Groups are separated by ";", each a day or day range and one or more comma-separated
    shifts; a shift may run overnight ("fri 20:00-08:00"). Raises HoursError with what to fix.
    """
    hours: dict[str, list[list[str]]] = {}
    for group in filter(None, (g.strip() for g in text.split(";"))):
        days_part, _, shifts_part = group.partition(" ")
        days = _day_range(days_part.strip().lower())
        shifts = [s.strip() for s in shifts_part.split(",") if s.strip()]
        if not shifts:
            raise HoursError(f"{group!r} has no hours (write e.g. 'mon-fri 09:00-17:00')")
        for shift in shifts:
            start, dash, end = shift.partition("-")
            if not dash:
                raise HoursError(f"{shift!r} is not a shift (write e.g. 09:00-17:00)")
            for day in days:
                hours.setdefault(day, []).append([start.strip(), end.strip()])
    if not hours:
        raise HoursError("No hours given (write e.g. 'mon-fri 09:00-17:00')")
    parse_weekly(hours)  # the same checks the calendar makes
    return hours


def _day_range(text: str) -> list[str]:
    first, dash, last = text.partition("-")
    for day in (first, last) if dash else (first,):
        if day not in DAY_KEYS:
            raise HoursError(f"{day!r} is not a day (use {', '.join(DAY_KEYS)})")
    if not dash:
        return [first]
    start, end = DAY_KEYS.index(first), DAY_KEYS.index(last)
    span = (end - start) % 7
    return [DAY_KEYS[(start + i) % 7] for i in range(span + 1)]


def hours_as_text(hours: Mapping[str, Sequence[Sequence[str]]]) -> str:
    """The reverse of `hours_from_text`, a day per group: "mon 08:00-20:00; sat 09:00-13:00"."""
    return "; ".join(
        f"{day} " + ", ".join(f"{start}-{end}" for start, end in hours[day])
        for day in DAY_KEYS
        if hours.get(day)
    )


def holiday_countries() -> list[tuple[str, str]]:
    """(code, name) of every country whose public holidays are known, by name."""
    names = {code: cls for cls, code, *_ in holidays_lib.registry.COUNTRIES.values()}
    known = holidays_lib.list_supported_countries(include_aliases=False)
    return sorted(((code, _spaced(names.get(code, code))) for code in known), key=lambda c: c[1])


def _spaced(class_name: str) -> str:
    """ "UnitedStates" -> "United States" (the holidays package names countries so)."""
    return "".join(f" {c}" if c.isupper() and i else c for i, c in enumerate(class_name))


def holiday_regions(country: str) -> list[str]:
    """The subdivision codes a country's holidays know (e.g. ES: AN, AR, ..., MD, ...)."""
    return list(holidays_lib.list_supported_countries(include_aliases=False).get(country, []))


def check_holiday_calendar(country: str, region: str) -> None:
    """Raise HoursError unless the holidays of `country` (ISO code) and `region` are known."""
    if not country:
        if region:
            raise HoursError("Give the country of the region (e.g. ES for MD).")
        return
    known = holidays_lib.list_supported_countries(include_aliases=False)
    if country not in known:
        raise HoursError(f"No public holidays are known for {country!r} (e.g. ES, US, GB).")
    if region and region not in known[country]:
        regions = ", ".join(known[country]) or "none"
        raise HoursError(f"{country} has no region {region!r}; its regions: {regions}.")


def public_holidays(country: str, region: str, start: date, end: date) -> list[tuple[date, str]]:
    """The public holidays from `start` to `end` (inclusive), in order, with their names."""
    if not country:
        return []
    years = list(range(start.year, end.year + 1))
    found = holidays_lib.country_holidays(country, subdiv=region or None, years=years)
    return sorted((day, name) for day, name in found.items() if start <= day <= end)


@dataclass(frozen=True)
class BusinessCalendar:
    tz: ZoneInfo
    weekly: Mapping[int, Sequence[Shift]]
    closed: frozenset[date] = field(default_factory=frozenset)
    # Each day's working intervals, worked out once (a calendar never changes).
    _days: dict[date, tuple[tuple[datetime, datetime], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def build(
        cls,
        *,
        timezone: str,
        working_hours: Mapping[str, Sequence[Sequence[str]]],
        country: str = "",
        region: str = "",
        closures: Iterable[date] = (),
        years: Iterable[int] = (),
    ) -> BusinessCalendar:
        try:
            tz = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise HoursError(f"{timezone!r} is not a known time zone") from exc
        closed = set(closures)
        if country:
            year_list = list(years) or _default_years()
            try:
                public = holidays_lib.country_holidays(
                    country, subdiv=region or None, years=year_list
                )
            except NotImplementedError as exc:
                raise HoursError(f"No public holidays are known for {country!r}") from exc
            closed.update(public.keys())
        return cls(tz=tz, weekly=parse_weekly(working_hours), closed=frozenset(closed))

    @classmethod
    def always_open(cls, timezone: str = "UTC") -> BusinessCalendar:
        return cls.build(
            timezone=timezone, working_hours={d: [["00:00", "24:00"]] for d in DAY_KEYS}
        )

    def _intervals_on(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The day's working intervals (UTC), in order."""
        known = self._days.get(day)
        if known is None:
            known = self._days[day] = tuple(sorted(self._work_out(day)))
        return known

    def _work_out(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        if day in self.closed:
            return
        for start, end in self.weekly.get(day.weekday(), ()):
            opens = datetime.combine(day, start, tzinfo=self.tz)
            if end is None:
                closes = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz)
            elif end <= start:
                closes = datetime.combine(day + timedelta(days=1), end, tzinfo=self.tz)
            else:
                closes = datetime.combine(day, end, tzinfo=self.tz)
            yield opens.astimezone(UTC), closes.astimezone(UTC)

    def intervals_from(self, at: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working intervals (UTC) that end after `at`, in order, clipped to start at `at`."""
        _require_aware(at)
        at = at.astimezone(UTC)
        first_day = at.astimezone(self.tz).date() - timedelta(days=1)  # overnight shifts
        for offset in range(HORIZON_DAYS):
            for opens, closes in self._intervals_on(first_day + timedelta(days=offset)):
                if closes <= at:
                    continue
                yield max(opens, at), closes

    def is_open(self, at: datetime) -> bool:
        # Only the day before (a shift running past midnight) and the day itself can hold it.
        _require_aware(at)
        at = at.astimezone(UTC)
        today = at.astimezone(self.tz).date()
        return any(
            opens <= at < closes
            for day in (today - timedelta(days=1), today)
            for opens, closes in self._intervals_on(day)
        )

    def next_open(self, at: datetime) -> datetime | None:
        """`at` itself when open, else when the next working interval starts."""
        for opens, _closes in self.intervals_from(at):
            return opens
        return None

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment `duration` of working time after `start` has passed."""
        remaining = duration
        if remaining <= timedelta(0):
            return start
        for opens, closes in self.intervals_from(start):
            span = closes - opens
            if remaining <= span:
                return opens + remaining
            remaining -= span
        raise HoursError("No working hours within the next year: check the schedule")

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        total = timedelta(0)
        end = end.astimezone(UTC)
        for opens, closes in self.intervals_from(start):
            if opens >= end:
                break
            total += min(closes, end) - opens
        return total


def _require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("Business hours need a timezone-aware datetime")


def _default_years() -> list[int]:
    this_year = datetime.now(UTC).year
    return [this_year - 1, this_year, this_year + 1, this_year + 2]
