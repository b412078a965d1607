"""The week ahead, hour by hour and site by site: the people the promises need against the people
on shift.

Work comes from two places:

- **Forecast**: the contacts customers started over the last few weeks (`weeks`), per channel,
  counted by hour of the week in the site's own time zone (the zone and DST of each moment, in
  SQL), averaged per week and scaled by the what-if volume. A case belongs to the site of the
  person who owns it: that is who answers it.
- **Already promised**: open callbacks and follow-up calls due in the hour, replies owed
  (`next_response_due_at`) on written channels placed in the hour they fall due (overdue ones now),
  and open incident outreach spread over the site's next working hours.

Live channels queue for a person now: phone by Erlang C, chat by Erlang C with a person holding
`chat_concurrency` chats. Written work and promised calls wait for their deadline, so they need
their handle time and no queueing margin. Pools are added, not blended (a conservative figure;
a person who takes both would need a multi-skill model). `scheduled` adds shrinkage. People on
shift: active agents of the site whose working hours (their own time zone, their site's holidays;
the site's opening hours when they have none of their own) cover at least half of the hour.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay

from rapport.care.models import Promise, PromiseKind, PromiseStatus
from rapport.cases.models import ACTIVE_STATUSES, Case, Initiative
from rapport.insights.erlang import Load, StaffingError, required
from rapport.lib.hours import BusinessCalendar
from rapport.outreach.models import OutreachStatus, OutreachTask
from rapport.people.models import Agent, Channel, Site
from rapport.routing.service import agent_calendar, calendar_for, closures_by_site

LIVE_CHANNELS = (Channel.PHONE, Channel.CHAT)
PLAN_DAYS = 7
HOUR = timedelta(hours=1)
# Open incident outreach is due now: spread over this many of the site's next working hours.
OUTREACH_HOURS = 8


@dataclass(frozen=True)
class Assumptions:
    """The what-if controls, with the desk's defaults."""

    weeks: int = 8
    volume_percent: float = 100.0
    phone_aht_seconds: float = 360.0
    chat_aht_seconds: float = 480.0
    chat_concurrency: float = 2.0
    written_aht_seconds: float = 420.0
    call_aht_seconds: float = 300.0  # a callback, a follow-up call, an outreach call
    target_seconds: float = 60.0
    service_level: float = 0.8
    max_occupancy: float = 0.85
    shrinkage: float = 0.3

    def __post_init__(self) -> None:
        if not 1 <= self.weeks <= 52:
            raise StaffingError("Weeks of history: from 1 to 52.")
        if not 0 <= self.volume_percent <= 1000:
            raise StaffingError("Volume: a percentage from 0 to 1000.")
        # The rest is checked where it is used, with the same sentences as `rapport staffing`.
        self.load(Channel.PHONE, 1.0)

    def load(self, channel: str, arrivals: float) -> Load:
        chat = channel == Channel.CHAT
        return Load(
            arrivals=arrivals,
            interval_seconds=3600.0,
            aht_seconds=self.chat_aht_seconds if chat else self.phone_aht_seconds,
            target_seconds=self.target_seconds,
            service_level=self.service_level,
            max_occupancy=self.max_occupancy,
            shrinkage=self.shrinkage,
            concurrency=self.chat_concurrency if chat else 1.0,
        )


@dataclass
class Hour:
    """One hour of one site's week ahead."""

    start: datetime  # aware, in the site's zone
    arrivals: dict[str, float] = field(default_factory=dict)  # forecast, per channel
    calls_promised: int = 0
    replies_owed: int = 0
    outreach: float = 0.0
    needed: int = 0
    scheduled: int = 0
    on_shift: int = 0

    @property
    def at_risk(self) -> bool:
        return self.scheduled > self.on_shift

    @property
    def short_by(self) -> int:
        return max(0, self.scheduled - self.on_shift)


@dataclass
class SitePlan:
    site: Site
    hours: list[Hour]

    def days(self) -> list[tuple[date, list[Hour | None]]]:
        """Rows for the heat map: each local day, 24 local hours (None where DST skips one)."""
        rows: dict[date, list[Hour | None]] = {}
        for hour in self.hours:
            row = rows.setdefault(hour.start.date(), [None] * 24)
            if row[hour.start.hour] is None:  # the repeated hour of a DST change: the first
                row[hour.start.hour] = hour
        return sorted(rows.items())

    @property
    def hours_at_risk(self) -> int:
        return sum(1 for hour in self.hours if hour.at_risk)


def plan(
    *, now: datetime, assumptions: Assumptions, sites: Iterable[Site] | None = None
) -> list[SitePlan]:
    """The week ahead for each site (every site when none are given), from today's midnight."""
    chosen = list(sites) if sites is not None else list(Site.objects.order_by("name"))
    agents = list(
        Agent.objects.filter(user__is_active=True, site__in=chosen).select_related("site")
    )
    by_site: dict[int, list[Agent]] = defaultdict(list)
    for agent in agents:
        if agent.site_id is not None:
            by_site[agent.site_id].append(agent)
    closures = closures_by_site()  # read once: every calendar below needs its site's
    return [
        _site_plan(
            site,
            now=now,
            assumptions=assumptions,
            agents=by_site[site.pk],
            closures=closures.get(site.pk, ()),
        )
        for site in chosen
    ]


def _site_calendar(site: Site, closures: tuple[date, ...]) -> BusinessCalendar:
    return calendar_for(
        timezone=site.timezone,
        working_hours=site.working_hours or {},
        country=site.country,
        region=site.region,
        closures=closures,
    )


def _site_plan(
    site: Site,
    *,
    now: datetime,
    assumptions: Assumptions,
    agents: list[Agent],
    closures: tuple[date, ...],
) -> SitePlan:
    tz = ZoneInfo(site.timezone)
    midnight = datetime.combine(now.astimezone(tz).date(), time(0), tzinfo=tz)
    first = midnight.astimezone(ZoneInfo("UTC"))
    last = (midnight + timedelta(days=PLAN_DAYS)).astimezone(ZoneInfo("UTC"))
    starts = [first + HOUR * i for i in range(int((last - first) / HOUR))]
    hours = [Hour(start=start.astimezone(tz)) for start in starts]
    index = {hour.start: hour for hour in hours}

    weekly = _weekly_arrivals(site, tz=tz, now=now, weeks=assumptions.weeks)
    scale = assumptions.volume_percent / 100.0
    for hour in hours:
        key = (hour.start.isoweekday(), hour.start.hour)
        hour.arrivals = {channel: n * scale for channel, n in weekly.get(key, {}).items()}

    def slot(at: datetime) -> Hour | None:
        at = max(at, now)  # overdue work is owed now
        start = at.astimezone(ZoneInfo("UTC")).replace(minute=0, second=0, microsecond=0)
        return index.get(start.astimezone(tz))

    for due in _promised_calls(site, until=last):
        if (promised := slot(due)) is not None:
            promised.calls_promised += 1
    for due in _replies_owed(site, until=last):
        if (owed := slot(due)) is not None:
            owed.replies_owed += 1
    site_hours = _site_calendar(site, closures)
    _spread_outreach(site, hours=index, now=now, calendar=site_hours)

    for hour in hours:
        hour.needed = _needed(hour, assumptions)
        hour.scheduled = math.ceil(hour.needed / (1.0 - assumptions.shrinkage) - 1e-9)
    _count_on_shift(hours, agents, closures=closures, site_hours=site_hours)
    return SitePlan(site=site, hours=hours)


def _weekly_arrivals(
    site: Site, *, tz: ZoneInfo, now: datetime, weeks: int
) -> dict[tuple[int, int], dict[str, float]]:
    """Contacts customers started per (ISO weekday, hour) in the site's zone, per week."""
    rows = (
        Case.objects.filter(
            owner__site=site,
            initiative=Initiative.CUSTOMER,
            created_at__gte=now - timedelta(weeks=weeks),
            created_at__lt=now,
        )
        .annotate(
            weekday=ExtractIsoWeekDay("created_at", tzinfo=tz),
            hour=ExtractHour("created_at", tzinfo=tz),
        )
        .values_list("origin_channel", "weekday", "hour")
        .annotate(n=Count("pk"))
        .order_by()
    )
    weekly: dict[tuple[int, int], dict[str, float]] = defaultdict(dict)
    for channel, weekday, hour, n in rows:
        weekly[(weekday, hour)][channel] = n / weeks
    return weekly


def _promised_calls(site: Site, *, until: datetime) -> list[datetime]:
    return list(
        Promise.objects.filter(
            owner__site=site,
            status=PromiseStatus.OPEN,
            kind__in=(PromiseKind.CALLBACK, PromiseKind.FOLLOW_UP),
            due_at__lt=until,
        ).values_list("due_at", flat=True)
    )


def _replies_owed(site: Site, *, until: datetime) -> list[datetime]:
    return [
        due
        for due in Case.objects.filter(
            owner__site=site,
            status__in=ACTIVE_STATUSES,
            next_response_due_at__lt=until,
            merged_into__isnull=True,
        )
        .exclude(origin_channel__in=LIVE_CHANNELS)
        .values_list("next_response_due_at", flat=True)
        if due is not None
    ]


def _spread_outreach(
    site: Site, *, hours: dict[datetime, Hour], now: datetime, calendar: BusinessCalendar
) -> None:
    waiting = OutreachTask.objects.filter(owner__site=site, status=OutreachStatus.NOT_YET).count()
    if not waiting:
        return
    slots: list[Hour] = []
    for opens, closes in calendar.intervals_from(now):
        at = opens.replace(minute=0, second=0, microsecond=0)
        while at < closes and len(slots) < OUTREACH_HOURS:
            hour = hours.get(at.astimezone(calendar.tz))
            if hour is not None and hour not in slots:
                slots.append(hour)
            at += HOUR
        if len(slots) >= OUTREACH_HOURS or opens > now + timedelta(days=PLAN_DAYS):
            break
    for hour in slots:
        hour.outreach += waiting / len(slots)


def _needed(hour: Hour, assumptions: Assumptions) -> int:
    """People on duty the hour needs: each live queue by Erlang C, the rest by its handle time."""
    needed = 0
    for channel in LIVE_CHANNELS:
        arrivals = hour.arrivals.get(channel, 0.0)
        if arrivals > 0:
            needed += required(assumptions.load(channel, arrivals)).agents
    written = sum(n for channel, n in hour.arrivals.items() if channel not in LIVE_CHANNELS)
    work_seconds = (written + hour.replies_owed) * assumptions.written_aht_seconds + (
        hour.calls_promised + hour.outreach
    ) * assumptions.call_aht_seconds
    return needed + math.ceil(work_seconds / 3600.0 / assumptions.max_occupancy - 1e-9)


def _count_on_shift(
    hours: list[Hour],
    agents: list[Agent],
    *,
    closures: tuple[date, ...],
    site_hours: BusinessCalendar,
) -> None:
    if not hours:
        return
    first, end = hours[0].start, hours[-1].start + HOUR
    for agent in agents:
        # No hours of their own: the site's opening hours, not round the clock.
        calendar = agent_calendar(agent, closures) if agent.working_hours else site_hours
        covered: dict[datetime, timedelta] = defaultdict(timedelta)
        for opens, closes in calendar.intervals_from(first):
            if opens >= end:
                break
            at = opens.replace(minute=0, second=0, microsecond=0)
            while at < min(closes, end):
                covered[at] += min(closes, at + HOUR) - max(opens, at)
                at += HOUR
        for hour in hours:
            if covered.get(hour.start.astimezone(ZoneInfo("UTC")), timedelta(0)) >= HOUR / 2:
                hour.on_shift += 1
