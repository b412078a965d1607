"""Opening hours as the contact page shows them: each site's week in its own zone, named with
the offset it has now (so "CET" in winter, "CEST" in summer), and the working intervals of the
next seven days as exact moments, which portal.js shows on the visitor's own clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import takewhile

from rapport.lib.wallclock import known_zone
from rapport.people.models import Brand, Site
from rapport.routing.service import site_calendar

DAYS = (
    ("mon", "Mon"),
    ("tue", "Tue"),
    ("wed", "Wed"),
    ("thu", "Thu"),
    ("fri", "Fri"),
    ("sat", "Sat"),
    ("sun", "Sun"),
)
UPCOMING = timedelta(days=7)


@dataclass(frozen=True)
class SiteHours:
    name: str
    timezone: str
    zone_now: str  # "CET, UTC+01:00": the zone's abbreviation and offset at this moment
    days: list[str]  # "Mon 08:00 to 20:00", in the site's zone; empty around the clock
    around_the_clock: bool
    open_now: bool
    opens_at: datetime | None  # when closed: when it opens next (holidays and closures counted)
    upcoming: list[tuple[datetime, datetime]]  # working intervals of the next 7 days (UTC)


def zone_now(name: str, now: datetime) -> str:
    zone = known_zone(name)
    if zone is None:
        return ""
    local = now.astimezone(zone)
    offset = local.strftime("%z")
    return f"{local.tzname()}, UTC{offset[:3]}:{offset[3:]}"


def opening_hours(now: datetime, brand: Brand | None) -> list[SiteHours]:
    """Every site (of the brand), with its hours in its own zone and whether it is open now."""
    hours = []
    sites = Site.objects.order_by("name")
    if brand is not None:
        # Its own sites; a business without any is where its people work.
        own = sites.filter(brand=brand)
        sites = own if own.exists() else sites.filter(agent__teams__brand=brand).distinct()
    for site in sites:
        week = site.working_hours or {}
        calendar = site_calendar(site)
        open_now = calendar.is_open(now)
        days = [
            f"{label} " + ", ".join(f"{start} to {end}" for start, end in week[key])
            for key, label in DAYS
            if week.get(key)
        ]
        upcoming = (
            list(takewhile(lambda span: span[0] < now + UPCOMING, calendar.intervals_from(now)))
            if week
            else []
        )
        hours.append(
            SiteHours(
                name=site.name,
                timezone=site.timezone,
                zone_now=zone_now(site.timezone, now),
                days=days,
                around_the_clock=not week,
                open_now=open_now,
                opens_at=None if open_now else calendar.next_open(now),
                upcoming=upcoming,
            )
        )
    return hours
