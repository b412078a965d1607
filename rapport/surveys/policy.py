"""The one contact-frequency policy per person, across CSAT, NPS and follow-up calls, and the
surveys' settings read with it. The settings are checked when the app is ready, so a bad value
stops the desk at start-up instead of at the first resolution."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from rapport.care.windows import local_day_at

_DURATION = re.compile(r"^([0-9]+)([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


def parse_delays(raw: str) -> dict[str, timedelta]:
    """ "chat=15m,email=24h,*=24h" -> {"chat": 15 min, "email": 24 h, "*": 24 h}."""
    delays: dict[str, timedelta] = {}
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        channel, _, value = part.partition("=")
        match = _DURATION.match(value.strip().lower())
        if not channel.strip() or match is None:
            raise ImproperlyConfigured(
                f"RAPPORT_SURVEY_CSAT_DELAYS: {part!r} is not channel=delay (e.g. chat=15m, "
                "email=24h, *=1d)"
            )
        delays[channel.strip().lower()] = timedelta(**{_UNITS[match[2]]: int(match[1])})
    delays.setdefault("*", timedelta(hours=24))
    return delays


def parse_quiet_hours(raw: str) -> tuple[time, time] | None:
    """ "21:00-09:00" -> (21:00, 09:00); "" or "off" -> None."""
    text = raw.strip().lower()
    if text in {"", "off"}:
        return None
    start, _, end = text.partition("-")
    clocks = [_CLOCK.match(start.strip()), _CLOCK.match(end.strip())]
    if clocks[0] is None or clocks[1] is None or start.strip() == end.strip():
        raise ImproperlyConfigured(
            f"RAPPORT_SURVEY_QUIET_HOURS={raw!r} is not HH:MM-HH:MM (e.g. 21:00-09:00) or off"
        )
    return time(int(clocks[0][1]), int(clocks[0][2])), time(int(clocks[1][1]), int(clocks[1][2]))


def check_settings() -> None:
    parse_delays(settings.RAPPORT_SURVEY_CSAT_DELAYS)
    parse_quiet_hours(settings.RAPPORT_SURVEY_QUIET_HOURS)
    if settings.RAPPORT_SURVEY_SAMPLE_PERCENT > 100:
        raise ImproperlyConfigured("RAPPORT_SURVEY_SAMPLE_PERCENT must be 0 to 100")


def csat_delay(channel: str) -> timedelta:
    delays = parse_delays(settings.RAPPORT_SURVEY_CSAT_DELAYS)
    return delays.get(channel, delays["*"])


def cool_down() -> timedelta:
    return timedelta(days=settings.RAPPORT_SURVEY_COOL_DOWN_DAYS)


def answer_period() -> timedelta:
    return timedelta(days=settings.RAPPORT_SURVEY_ANSWER_DAYS)


def nps_cadence() -> timedelta | None:
    days = settings.RAPPORT_SURVEY_NPS_DAYS
    return timedelta(days=days) if days else None


def sampled(kind: str, key: int) -> bool:
    """Whether this survey is in the sample: a stable draw (the same case or customer always
    draws the same), so sending again never changes the answer."""
    percent = settings.RAPPORT_SURVEY_SAMPLE_PERCENT
    if percent >= 100:
        return True
    digest = hashlib.sha256(f"{kind}:{key}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def quiet_until(at: datetime, timezone: str) -> datetime | None:
    """When the customer's quiet hours (their own zone) end, if `at` falls inside them."""
    hours = parse_quiet_hours(settings.RAPPORT_SURVEY_QUIET_HOURS)
    if hours is None:
        return None
    start, end = hours
    clock = at.astimezone(ZoneInfo(timezone)).time()
    wraps = start > end  # 21:00-09:00 spans midnight
    inside = (clock >= start or clock < end) if wraps else start <= clock < end
    if not inside:
        return None
    # The end today, or tomorrow when it is still before midnight of a span across it.
    days = 1 if wraps and clock >= start else 0
    return local_day_at(at, timezone=timezone, days=days, clock=end)


@dataclass(frozen=True)
class Contacts:
    """When the customer was last contacted (a survey sent, a follow-up call due) and whether
    one is coming up soon (a follow-up call already booked)."""

    last: datetime | None
    next: datetime | None

    def blocks(self, at: datetime) -> datetime | None:
        """The moment the cool-down around these contacts ends, if `at` falls within it."""
        gap = cool_down()
        if not gap:
            return None
        if self.next is not None and self.next - gap < at:
            return self.next + gap
        if self.last is not None and at < self.last + gap:
            return self.last + gap
        return None
