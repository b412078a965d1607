"""Giving each affected customer a named person: continuity first, then load, within capacity.

Routing's own `choose_owner` decides (the customer's owner, then deputy, then the lightest load
on shift); this keeps the loads current while a whole incident is handed out, keeps tasks within
the incident's team, and only when nobody has room left gives the task to the least loaded person
— flagged `over_capacity`, never silently.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from rapport.routing.core import Candidate, Need, choose_owner
from rapport.routing.service import load_candidates, loads_cache


@dataclass(frozen=True, slots=True)
class Assignment:
    agent_id: int
    rule: str
    reason: str
    over_capacity: bool


class Pool:
    """Everyone who may take outreach tasks, with loads counted afresh and bumped per task."""

    def __init__(self, *, now: datetime, team_member_ids: set[int] | None) -> None:
        loads_cache.forget()
        self.now = now
        self.by_id: dict[int, Candidate] = {c.agent_id: c for c in load_candidates(now=now)}
        self.team_member_ids = team_member_ids

    def __bool__(self) -> bool:
        return bool(self.by_id)

    def assign(self, *, owner_id: int | None, deputy_id: int | None) -> Assignment:
        team = self.team_member_ids
        workers = [c for c in self.by_id.values() if team is None or c.agent_id in team]
        # The customer's own people may take the task even from outside the incident's team.
        allowed = workers + [
            c
            for agent_id in (owner_id, deputy_id)
            if agent_id is not None
            and (c := self.by_id.get(agent_id)) is not None
            and c not in workers
        ]
        if not allowed:
            allowed = list(self.by_id.values())
        decision = choose_owner(Need(owner_id=owner_id, deputy_id=deputy_id), allowed, now=self.now)
        chosen = self.by_id[decision.agent_id]
        rule, reason = str(decision.rule), decision.reason
        if not chosen.has_room():
            base = workers or allowed
            pool = (
                [c for c in base if c.on_shift(self.now)]
                or [c for c in base if c.available]
                or base
            )
            chosen = min(pool, key=lambda c: (_ratio(c), c.open_cases, c.agent_id))
            rule = "least_loaded"
            reason = (
                f"{chosen.name} has the lightest load ({chosen.open_cases} of {chosen.capacity})"
            )
            if not chosen.has_room():
                reason = f"Everyone is at capacity; {reason}"
        over = not chosen.has_room()
        self.by_id[chosen.agent_id] = replace(chosen, open_cases=chosen.open_cases + 1)
        return Assignment(chosen.agent_id, rule, reason, over)

    def first_team_id(self, agent_id: int) -> int | None:
        candidate = self.by_id.get(agent_id)
        return min(candidate.team_ids) if candidate and candidate.team_ids else None


def _ratio(candidate: Candidate) -> float:
    return candidate.open_cases / candidate.capacity if candidate.capacity else float("inf")
