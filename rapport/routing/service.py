"""Routing against the database: load who could take a case, decide, and say why."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, TextField
from django.db.models.functions import Cast

from rapport.cases.models import ACTIVE_STATUSES, Case, Direction, Message
from rapport.lib.hours import BusinessCalendar, HoursError
from rapport.lib.ranked import newest_per
from rapport.people.models import Agent, Availability, Channel, Site, Team
from rapport.routing.core import Candidate, Decision, Need, choose_owner, within_brand
from rapport.routing.models import Closure
from rapport.routing.snapshot import remembered

_lock = threading.Lock()
_calendars: dict[tuple[str, str, str, str, tuple[date, ...]], BusinessCalendar] = {}


class _LoadCache:
    """Open-case counts per agent, refreshed every RAPPORT_ROUTING_LOAD_TTL seconds and bumped
    locally on every assignment, so a burst of arrivals spreads out without a count per case."""

    def __init__(self) -> None:
        self.loads: dict[int, int] = {}
        self.taken_at = 0.0
        self._held = threading.local()

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Within, the counts are read at most once and then kept, bumped by each assignment:
        a batch of decisions is one moment, whatever the TTL (even 0, which otherwise counts
        again for every decision, before the batch's cases are written)."""
        outermost = getattr(self._held, "since", None) is None
        if outermost:
            self._held.since = time.monotonic()
            self._held.candidates = None
            self._held.noted = []
        try:
            yield
        except BaseException:
            if outermost:  # the batch's cases were not written: nor are its assignments
                with _lock:
                    for agent_id in self._held.noted:
                        self.loads[agent_id] = max(self.loads.get(agent_id, 0) - 1, 0)
            raise
        finally:
            if outermost:
                self._held.since = self._held.candidates = self._held.noted = None

    def held_candidates(self) -> dict[int, Candidate] | None:
        """The candidates built within the current hold (by agent), if any."""
        return getattr(self._held, "candidates", None)

    def hold_candidates(self, candidates: list[Candidate]) -> None:
        if getattr(self._held, "since", None) is not None:
            self._held.candidates = {candidate.agent_id: candidate for candidate in candidates}

    def get(self) -> dict[int, int]:
        ttl = settings.RAPPORT_ROUTING_LOAD_TTL
        held_since = getattr(self._held, "since", None)
        with _lock:
            if ttl and time.monotonic() - self.taken_at < ttl:
                return dict(self.loads)
            if held_since is not None and self.taken_at >= held_since:
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
        noted = getattr(self._held, "noted", None)
        if noted is not None:
            noted.append(agent_id)
        held = self.held_candidates()
        if held is not None and agent_id in held:
            held[agent_id] = replace(held[agent_id], open_cases=held[agent_id].open_cases + 1)

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
    # The hours as written (a dict read from JSON keeps its order): the same schedule written
    # in another order is only built once more.
    key = (timezone, repr(working_hours), country, region, tuple(closures))
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
        closures=remembered("closures", closures_by_site).get(site.pk, ()),
    )


_AgentRow = tuple[
    int, str, str, str | None, str | None, int | None, str | None, str | None, int, str, Any, bool
]


def _agent_rows() -> tuple[
    list[_AgentRow], dict[int, set[int]], dict[int, tuple[date, ...]], dict[int, int | None]
]:
    """Every active agent as plain values, with their teams, their sites' closures and the
    brand of each team."""
    # Plain rows, not model instances: this runs on every new case over every agent, and
    # building hundreds of Agents (and their prefetched teams) cost far more than the SQL.
    # The JSON columns come as text and are decoded only when they changed (`_profile`).
    rows: list[_AgentRow] = list(
        Agent.objects.filter(user__is_active=True)
        .order_by("pk")
        .annotate(
            hours_json=Cast("working_hours", TextField()),
            skills_json=Cast("skills", TextField()),
        )
        .values_list(
            "pk",
            "display_name",
            "timezone",
            "hours_json",
            "skills_json",
            "site_id",
            "site__country",
            "site__region",
            "capacity",
            "availability",
            "away_until",
            "on_call",
        )
    )
    teams: dict[int, set[int]] = {}
    for agent_id, team_id in Team.members.through.objects.values_list("agent_id", "team_id"):
        teams.setdefault(agent_id, set()).add(team_id)
    team_brands: dict[int, int | None] = dict(Team.objects.values_list("pk", "brand_id"))
    return rows, teams, closures_by_site(), team_brands


def closures_by_site() -> dict[int, tuple[date, ...]]:
    closures: dict[int, tuple[date, ...]] = {}
    for site_id, day in Closure.objects.values_list("site_id", "day").order_by("site_id", "day"):
        closures[site_id] = (*closures.get(site_id, ()), day)
    return closures


def first_team_id(agent_id: int, brand_id: int | None = None) -> int | None:
    """The agent's first team (by id) in the case's brand, the team a case routed to them is
    filed under."""
    _, teams, _, team_brands = remembered("agents", _agent_rows)
    mine = teams.get(agent_id, set())
    if brand_id is not None:
        mine = {team for team in mine if team_brands.get(team) == brand_id}
    return min(mine) if mine else None


def load_candidates(*, now: datetime) -> list[Candidate]:
    """Every agent as routing sees them now. Within `loads_cache.holding()` (a batch of
    decisions, one moment) they are built once and only their loads move."""
    held = loads_cache.held_candidates()
    if held is not None:
        return list(held.values())
    candidates = _build_candidates(now=now)
    loads_cache.hold_candidates(candidates)
    return candidates


def _build_candidates(*, now: datetime) -> list[Candidate]:
    rows, teams, closures, team_brands = remembered("agents", _agent_rows)
    loads = loads_cache.get()
    candidates = []
    for (
        agent_id,
        name,
        tz,
        hours_json,
        skills_json,
        site_id,
        country,
        region,
        capacity,
        availability,
        away_until,
        on_call,
    ) in rows:
        calendar, skills = _profile(
            agent_id,
            (
                tz,
                hours_json,
                skills_json,
                country or "",
                region or "",
                closures.get(site_id, ()) if site_id is not None else (),
            ),
        )
        candidates.append(
            Candidate(
                agent_id=agent_id,
                name=name,
                calendar=calendar,
                open_cases=loads.get(agent_id, 0),
                capacity=capacity,
                available=_is_available(availability, away_until, now),
                skills=skills,
                team_ids=frozenset(teams.get(agent_id, ())),
                on_call=on_call,
                brand_ids=frozenset(
                    brand
                    for team in teams.get(agent_id, ())
                    if (brand := team_brands.get(team)) is not None
                ),
            )
        )
    return candidates


_Inputs = tuple[str, str | None, str | None, str, str, tuple[date, ...]]
_profiles: dict[int, tuple[_Inputs, BusinessCalendar, frozenset[str]]] = {}


def _profile(agent_id: int, inputs: _Inputs) -> tuple[BusinessCalendar, frozenset[str]]:
    """An agent's calendar and skills, rebuilt only when what they are made of changed: the
    raw JSON text is compared, so an unchanged agent costs neither decoding nor a cache key."""
    cached = _profiles.get(agent_id)
    if cached is not None and cached[0] == inputs:
        return cached[1], cached[2]
    tz, hours_json, skills_json, country, region, closures = inputs
    calendar = calendar_for(
        timezone=tz,
        working_hours=(json.loads(hours_json) if hours_json else None) or {},
        country=country,
        region=region,
        closures=closures,
    )
    raw_skills = (json.loads(skills_json) if skills_json else None) or []
    skills = frozenset(str(skill).lower() for skill in raw_skills)
    with _lock:
        _profiles[agent_id] = (inputs, calendar, skills)
    return calendar, skills


def is_available(agent: Agent, now: datetime) -> bool:
    return _is_available(agent.availability, agent.away_until, now)


def on_shift(agent: Agent, now: datetime) -> bool:
    """Working now: available and within their hours. Nobody is paged off shift, and a customer
    is offered a call only when their case's owner can make it."""
    return is_available(agent, now) and agent_calendar(agent).is_open(now)


def _is_available(availability: str, away_until: datetime | None, now: datetime) -> bool:
    if away_until is not None and away_until > now:
        return False
    return availability in (Availability.AVAILABLE, Availability.BUSY)


def need_for(case: Case) -> Need:
    return needs_for([case])[0]


def needs_for(cases: Sequence[Case], *, first_contact: Iterable[int] = ()) -> list[Need]:
    """What each case needs of its owner; the customers' last helpers read in one query (not
    for customers in `first_contact`, made a moment ago, whom nobody has helped yet)."""
    customers = {case.customer_id for case in cases if case.customer_id is not None}
    customers -= set(first_contact)
    helpers: dict[int, list[int]] = {pk: [] for pk in customers}
    if customers:
        rows = newest_per(
            Message,
            partition="customer_id",
            order=["-created_at", "-pk"],
            limit=10,
            columns=["customer_id", "author_id"],
            where={
                "customer_id__in": sorted(customers),
                "direction": Direction.OUTBOUND,
                "author__isnull": False,
            },
        )
        for customer_id, author_id in rows:
            helpers[customer_id].append(author_id)
    return [
        Need(
            owner_id=case.customer.owner_id,
            deputy_id=case.customer.deputy_id,
            last_helper_ids=tuple(dict.fromkeys(helpers.get(case.customer_id, ()))),
            skills=frozenset(tag.lower() for tag in case.tags),
            team_id=case.team_id,
            brand_id=case.brand_id,
        )
        for case in cases
    ]


def decide(case: Case, *, now: datetime, need: Need | None = None) -> Decision | None:
    """Who should own `case` now, or None when the desk has no agents at all. `need` may be
    given when it was read for several cases at once (`needs_for`)."""
    need = need if need is not None else need_for(case)
    # Only the people of the case's business; none (a brand with nobody yet): nobody.
    candidates = within_brand(load_candidates(now=now), need.brand_id)
    if not candidates:
        return None
    if case.origin_channel == Channel.CHAT:
        candidates = _chat_room(candidates)
    decision = choose_owner(need, candidates, now=now)
    loads_cache.note_assignment(decision.agent_id)
    return decision


def open_chats(agent_ids: Sequence[int] | None = None) -> dict[int, int]:
    """Open live chats held per agent (of `agent_ids`, or of everyone)."""
    cases = Case.objects.filter(
        status__in=ACTIVE_STATUSES, owner__isnull=False, origin_channel=Channel.CHAT
    )
    if agent_ids is not None:
        cases = cases.filter(owner_id__in=agent_ids)
    return dict(cases.values("owner_id").annotate(n=Count("id")).values_list("owner_id", "n"))


def _chat_room(candidates: list[Candidate]) -> list[Candidate]:
    """For a live chat, an agent holding as many open chats as their `chat_capacity` has no
    room (whatever their other cases): continuity passes to the deputy, and so on."""
    chats = open_chats()
    limits = dict(Agent.objects.filter(pk__in=chats).values_list("pk", "chat_capacity"))
    return [
        replace(c, capacity=min(c.capacity, c.open_cases))
        if chats.get(c.agent_id, 0) >= limits.get(c.agent_id, 1)
        else c
        for c in candidates
    ]


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
