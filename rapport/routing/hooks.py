"""Routing's events a feature reacts to (see `rapport.cases.hooks` for how hooks work).

# rapport/care/apps.py
on_agent_deactivated.subscribe(hand_over_promises)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from rapport.cases.hooks import Hook
from rapport.people.models import Agent


@dataclass
class Deactivation:
    """What deactivating `agent` handed to whom, by id: each open case they owned, each customer
    they looked after (None: nobody yet; the next person to help them becomes theirs) and, filled
    by the features that subscribe, each promise they still had to keep."""

    agent: Agent
    handed_over: dict[int, Agent] = field(default_factory=dict)
    customers: dict[int, Agent | None] = field(default_factory=dict)
    promises: dict[int, Agent] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class AgentDeactivated:
    done: Deactivation  # a receiver records what it handed over here
    by: Agent | None
    hand_over_to: Agent | None  # the supervisor's choice, when they made one
    at: datetime


# Sent by `deactivate_agent` once their cases and customers have new people, inside its
# transaction: a receiver that raises refuses the whole deactivation.
on_agent_deactivated: Hook[AgentDeactivated] = Hook("on_agent_deactivated")


def deactivation_said(done: Deactivation) -> str:
    """One sentence for whoever deactivated them: what went to whom."""
    name = done.agent.display_name
    parts = []
    for what, noun in (
        (done.handed_over, "open case"),
        (done.customers, "customer"),
        (done.promises, "promise"),
    ):
        if what:
            to = sorted({a.display_name if a else "nobody yet" for a in what.values()})
            plural = "s" if len(what) != 1 else ""
            parts.append(f"{len(what)} {noun}{plural} to {', '.join(to)}")
    if not parts:
        return f"{name} is deactivated; they had no open cases, customers or promises."
    return f"{name} is deactivated; their work went on: {'; '.join(parts)}."
