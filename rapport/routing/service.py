"""Routing against the database: load who could take a case, decide, and say why."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count

from rapport.cases.models import ACTIVE_STATUSES, Case, Direction, Message
from rapport.lib.hours import BusinessCalendar, HoursError
from rapport.people.models import Agent, Availability, Site
from rapport.routing.core import Candidate, Decision, Need, choose_owner
from rapport.routing.models import Closure

_lock = threading.Lock()
_calendars: dict[str, BusinessCalendar] = {}


class _LoadCache:
    """Open-case counts per agent, refreshed every RAPPORT_ROUTING_LOAD_TTL seconds and bumped
    locally on every assignment, so a burst of arrivals spreads out without a count per case."""

    def __init__(self) -> None:
        self.loads: dict[int, int] = {}
        self.taken_at = 0.0

    def get(self) -> dict[int, int]:
        ttl = settings.RAPPORT_ROUTING_LOAD_TTL
        with _lock:
            if ttl and time.monotonic() - self.taken_at < ttl:
                return dict(self.loads)
        rows = (
            Case.objects.filter(status__in=ACTIVE_STATUSES, owner__isnull=False)
            .values("owner_id")
            .annotate(n=Count("id"))
            .values_list("owner_id", "n")
        )
        fresh: dict[int, int] = dict(rows)
        with _lock:
            self.loads, self.taken_at = fresh, time.monotonic()
        return dict(fresh)

    def note_assignment(self, agent_id: int) -> None:
        with _lock:
            self.loads[agent_id] = self.loads.get(agent_id, 0) + 1

    def forget(self) -> None:
        with _lock:
            self.taken_at = 0.0


loads_cache = _LoadCache()


def calendar_for(
    *,
    timezone: str,
    working_hours: dict[str, Any],
    country: str = "",
    region: str = "",
    closures: Sequence[date] = (),
) -> BusinessCalendar:
    """A cached calendar; no hours configured means open around the clock."""
    key = json.dumps(
        [timezone, working_hours, country, region, [str(d) for d in closures]], sort_keys=True
    )
    with _lock:
        calendar = _calendars.get(key)
    if calendar is None:
        try:
            calendar = (
                BusinessCalendar.build(
                    timezone=timezone,
                    working_hours=working_hours,
                    country=country,
                    region=region,
                    closures=closures,
                )
                if working_hours
                else BusinessCalendar.always_open(timezone)
            )
        except HoursError:
            # A broken schedule must not stop routing or deadlines: count around the clock.
            calendar = BusinessCalendar.always_open("UTC")
        with _lock:
            _calendars[key] = calendar
    return calendar


def agent_calendar(agent: Agent, closures: Sequence[date] = ()) -> BusinessCalendar:
    """The agent's working hours with their site's public holidays and closures."""
    site = agent.site
    return calendar_for(
        timezone=agent.timezone,
        working_hours=agent.working_hours or {},
        country=site.country if site else "",
        region=site.region if site else "",
        closures=closures,
    )


def site_calendar(site: Site | None) -> BusinessCalendar:
    """The serving site's opening hours, holidays and closures: what deadlines count in."""
    if site is None:
        return BusinessCalendar.always_open("UTC")
    return calendar_for(
        timezone=site.timezone,
        working_hours=site.working_hours or {},
        country=site.country,
        region=site.region,
        closures=Closure.days_for(site.pk),
    )


def load_candidates(*, now: datetime) -> list[Candidate]:
    agents = list(
        Agent.objects.filter(user__is_active=True)
        .select_related("site")
        .prefetch_related("teams")
        .order_by("pk")
    )
    closures: dict[int, list[date]] = {}
    for site_id, day in Closure.objects.values_list("site_id", "day"):
        closures.setdefault(site_id, []).append(day)
    loads = loads_cache.get()
    return [
        Candidate(
            agent_id=agent.pk,
            name=agent.display_name,
            calendar=agent_calendar(agent, closures.get(agent.site_id or 0, ())),
            open_cases=loads.get(agent.pk, 0),
            capacity=agent.capacity,
            available=is_available(agent, now),
            skills=frozenset(str(skill).lower() for skill in agent.skills),
            team_ids=frozenset(team.pk for team in agent.teams.all()),
            on_call=agent.on_call,
        )
        for agent in agents
    ]


def is_available(agent: Agent, now: datetime) -> bool:
    if agent.away_until is not None and agent.away_until > now:
        return False
    return agent.availability in (Availability.AVAILABLE, Availability.BUSY)


def need_for(case: Case) -> Need:
    customer = case.customer
    helpers = (
        Message.objects.filter(
            customer_id=case.customer_id, direction=Direction.OUTBOUND, author__isnull=False
        )
        .order_by("-created_at")
        .values_list("author_id", flat=True)[:10]
    )
    last_helpers = list(dict.fromkeys(author for author in helpers if author is not None))
    return Need(
        owner_id=customer.owner_id,
        deputy_id=customer.deputy_id,
        last_helper_ids=tuple(last_helpers),
        skills=frozenset(tag.lower() for tag in case.tags),
        team_id=case.team_id,
    )


def decide(case: Case, *, now: datetime) -> Decision | None:
    """Who should own `case` now, or None when the desk has no agents at all."""
    candidates = load_candidates(now=now)
    if not candidates:
        return None
    decision = choose_owner(need_for(case), candidates, now=now)
    loads_cache.note_assignment(decision.agent_id)
    return decision


def customer_notice(case: Case, *, now: datetime) -> str:
    """What the customer is told when their own person is away: who has their file, and until
    when ("Anna is off until Monday; Ben has your file")."""
    away, holder = case.return_to, case.owner
    if away is None or holder is None or away.pk == holder.pk:
        return ""
    has_file = f"{holder.display_name} has your file."
    if away.away_until is not None and away.away_until > now:
        back = agent_calendar(away).next_open(away.away_until)
    elif is_available(away, now):
        back = agent_calendar(away).next_open(now)
    else:
        back = None  # away with no return date: don't promise one
    if back is None:
        return f"{away.display_name} is away; {has_file}"
    local = back.astimezone(ZoneInfo(case.customer.timezone))
    day = local.strftime("%A") if (back - now).days < 6 else local.strftime("%-d %B")
    return f"{away.display_name} is off until {day}; {has_file}"
