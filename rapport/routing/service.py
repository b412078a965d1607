"""Routing against the database: load who could take a case, decide, and say why."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from datetime import date, datetime

from django.conf import settings
from django.db.models import Count

from rapport.cases.models import ACTIVE_STATUSES, Case, Direction, Message
from rapport.lib.hours import BusinessCalendar, HoursError
from rapport.people.models import Agent, Availability
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


def agent_calendar(agent: Agent, closures: Sequence[date] = ()) -> BusinessCalendar:
    """The agent's working hours with their site's public holidays and closures (cached)."""
    site = agent.site
    country, region = (site.country, site.region) if site else ("", "")
    key = json.dumps(
        [agent.timezone, agent.working_hours, country, region, [str(d) for d in closures]],
        sort_keys=True,
    )
    with _lock:
        calendar = _calendars.get(key)
    if calendar is None and not agent.working_hours:
        # No schedule configured: the agent's availability switch alone says when they work.
        calendar = BusinessCalendar.always_open(agent.timezone)
    if calendar is None:
        try:
            calendar = BusinessCalendar.build(
                timezone=agent.timezone,
                working_hours=agent.working_hours or {},
                country=country,
                region=region,
                closures=closures,
            )
        except HoursError:
            # A broken schedule must not stop routing: treat the agent as never on shift.
            calendar = BusinessCalendar.build(timezone="UTC", working_hours={})
        with _lock:
            _calendars[key] = calendar
    return calendar


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
            available=_is_available(agent, now),
            skills=frozenset(str(skill).lower() for skill in agent.skills),
            team_ids=frozenset(team.pk for team in agent.teams.all()),
            on_call=agent.on_call,
        )
        for agent in agents
    ]


def _is_available(agent: Agent, now: datetime) -> bool:
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
