"""Choosing a named owner for a case: continuity first, then skill, site hours and load.

Pure Python (no Django): the caller loads the candidates, this decides and says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from rapport.lib.hours import BusinessCalendar


class Rule(StrEnum):
    RELATIONSHIP_OWNER = "relationship_owner"
    DEPUTY = "deputy"
    LAST_HELPER = "last_helper"
    BEST_AVAILABLE = "best_available"
    ON_CALL = "on_call"
    NEXT_ON_SHIFT = "next_on_shift"


@dataclass(frozen=True, slots=True)
class Candidate:
    agent_id: int
    name: str
    calendar: BusinessCalendar
    open_cases: int
    capacity: int
    available: bool = True  # False when the agent set themselves away/off
    skills: frozenset[str] = frozenset()
    team_ids: frozenset[int] = frozenset()
    on_call: bool = False
    brand_ids: frozenset[int] = frozenset()  # the businesses whose teams they are in

    def on_shift(self, at: datetime) -> bool:
        return self.available and self.calendar.is_open(at)

    def has_room(self) -> bool:
        return self.open_cases < self.capacity


@dataclass(frozen=True, slots=True)
class Need:
    """What we know about the case and its customer when choosing."""

    owner_id: int | None = None
    deputy_id: int | None = None
    last_helper_ids: Sequence[int] = ()  # most recent first
    skills: frozenset[str] = frozenset()
    team_id: int | None = None
    brand_id: int | None = None  # None: a desk without brands


# Nobody is on shift: the person who knows the customer is waited for when their shift starts
# no later than this after the first shift of anyone else in the business.
CONTINUITY_WAIT = timedelta(hours=12)


def within_brand(candidates: Sequence[Candidate], brand_id: int | None) -> list[Candidate]:
    """The people of the case's business: routing never crosses a brand."""
    if brand_id is None:
        return list(candidates)
    return [c for c in candidates if brand_id in c.brand_ids]


@dataclass(frozen=True, slots=True)
class Decision:
    agent_id: int
    rule: Rule
    reason: str
    # When a person will actually pick it up: now when on shift, else the next shift start.
    pickup_at: datetime


def choose_owner(need: Need, candidates: Sequence[Candidate], *, now: datetime) -> Decision:
    """The agent who should own this case now. Never returns nothing while anyone exists."""
    if not candidates:
        raise ValueError("There is no agent to route to")
    by_id: Mapping[int, Candidate] = {c.agent_id: c for c in candidates}
    # Hundreds of agents share a handful of calendars (a site's shift patterns): ask each
    # calendar once per decision instead of once per agent. Keyed by identity because a
    # calendar is not hashable; the candidates keep every calendar alive for the whole call.
    open_now: dict[int, bool] = {}

    def on_shift(candidate: Candidate) -> bool:
        if not candidate.available:
            return False
        key = id(candidate.calendar)
        is_open = open_now.get(key)
        if is_open is None:
            is_open = open_now[key] = candidate.calendar.is_open(now)
        return is_open

    def ready(agent_id: int | None) -> Candidate | None:
        agent = by_id.get(agent_id) if agent_id is not None else None
        return agent if agent is not None and on_shift(agent) and agent.has_room() else None

    if (owner := ready(need.owner_id)) is not None:
        return Decision(
            owner.agent_id,
            Rule.RELATIONSHIP_OWNER,
            f"{owner.name} knows this customer and is on shift",
            now,
        )
    if (deputy := ready(need.deputy_id)) is not None:
        why = _away_reason(by_id.get(need.owner_id) if need.owner_id else None, now)
        return Decision(
            deputy.agent_id,
            Rule.DEPUTY,
            f"{deputy.name} is the customer's deputy contact{why}",
            now,
        )
    for helper_id in need.last_helper_ids:
        if (helper := ready(helper_id)) is not None:
            return Decision(
                helper.agent_id,
                Rule.LAST_HELPER,
                f"{helper.name} helped this customer last time",
                now,
            )

    pool = [c for c in candidates if c.has_room() and on_shift(c)]
    if need.team_id is not None and any(need.team_id in c.team_ids for c in pool):
        pool = [c for c in pool if need.team_id in c.team_ids]
    if pool:
        best = min(pool, key=lambda c: (-len(need.skills & c.skills), _load(c), c.agent_id))
        matched = sorted(need.skills & best.skills)
        skill_note = f" with {', '.join(matched)}" if matched else ""
        return Decision(
            best.agent_id,
            Rule.BEST_AVAILABLE,
            f"{best.name} is on shift{skill_note} and has the lightest load",
            now,
        )

    on_call = [c for c in candidates if c.on_call]
    if on_call:
        agent = min(on_call, key=lambda c: (_load(c), c.agent_id))
        return Decision(
            agent.agent_id, Rule.ON_CALL, f"Nobody is on shift; {agent.name} is on call", now
        )

    return _next_on_shift(need, candidates, by_id, now=now)


def _next_on_shift(
    need: Need, candidates: Sequence[Candidate], by_id: Mapping[int, Candidate], *, now: datetime
) -> Decision:
    # Nobody on shift and nobody on call: the agent whose shift starts first, honestly.
    next_start: dict[int, datetime] = {}

    def starts(candidate: Candidate) -> datetime:
        if not candidate.available:
            return datetime.max.replace(tzinfo=now.tzinfo)
        key = id(candidate.calendar)
        if key not in next_start:
            start = candidate.calendar.next_open(now)
            next_start[key] = start or datetime.max.replace(tzinfo=now.tzinfo)
        return next_start[key]

    agent = min(candidates, key=lambda c: (starts(c), _load(c), c.agent_id))
    pickup = starts(agent)
    # The customer's own person (or deputy) is worth a short wait: they know the story.
    keepers = [
        c
        for c in (by_id.get(need.owner_id or -1), by_id.get(need.deputy_id or -1))
        if c is not None and c.available and c.has_room()
    ]
    if keepers:
        keeper = min(keepers, key=lambda c: (starts(c), c.agent_id))
        if starts(keeper) <= pickup + CONTINUITY_WAIT:
            return Decision(
                keeper.agent_id,
                Rule.NEXT_ON_SHIFT,
                f"Nobody is on shift now; {keeper.name}, who knows this customer, takes it "
                "when their shift starts",
                starts(keeper),
            )
    return Decision(
        agent.agent_id,
        Rule.NEXT_ON_SHIFT,
        f"Nobody is on shift now; {agent.name} starts first",
        pickup,
    )


def _load(candidate: Candidate) -> float:
    return candidate.open_cases / candidate.capacity if candidate.capacity else float("inf")


def _away_reason(owner: Candidate | None, now: datetime) -> str:
    if owner is None:
        return ""
    if not owner.available or not owner.calendar.is_open(now):
        return f" while {owner.name} is off"
    return f" while {owner.name} is at capacity"
