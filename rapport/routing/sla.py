"""Service-level targets: how soon a person must answer, counted in the serving site's hours.

Pure Python (no Django). Policies come from the database; this module only computes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from rapport.lib.hours import BusinessCalendar

PRIORITIES = ("urgent", "high", "normal", "low")


@dataclass(frozen=True, slots=True)
class Policy:
    priority: str
    channel: str  # "" matches every channel
    first_response: timedelta
    next_response: timedelta
    resolution: timedelta
    business_hours: bool = True  # False: the clock runs around the clock (urgent cases)


# Sensible defaults used when an operator has defined no policy of their own.
DEFAULT_POLICIES: tuple[Policy, ...] = (
    Policy("urgent", "", timedelta(minutes=30), timedelta(hours=1), timedelta(hours=8), False),
    Policy("high", "", timedelta(hours=1), timedelta(hours=4), timedelta(days=1)),
    Policy("normal", "", timedelta(hours=4), timedelta(hours=8), timedelta(days=3)),
    Policy("low", "", timedelta(hours=8), timedelta(days=1), timedelta(days=5)),
    # People in a live chat are waiting on the other end: answer within minutes.
    Policy("normal", "chat", timedelta(minutes=5), timedelta(minutes=10), timedelta(days=1)),
    Policy("high", "chat", timedelta(minutes=3), timedelta(minutes=5), timedelta(hours=8)),
    Policy("urgent", "chat", timedelta(minutes=2), timedelta(minutes=5), timedelta(hours=4), False),
)
# Upset or urgent customers get tighter deadlines than their priority alone would give.
UPSET_FACTOR = 0.5


def pick_policy(policies: Iterable[Policy], *, priority: str, channel: str) -> Policy:
    """The channel-specific policy for this priority, else the any-channel one, else defaults."""
    for source in (list(policies), list(DEFAULT_POLICIES)):
        for wanted_channel in (channel, ""):
            for policy in source:
                if policy.priority == priority and policy.channel == wanted_channel:
                    return policy
    raise ValueError(f"No service-level policy for priority {priority!r}")


@dataclass(frozen=True, slots=True)
class Deadlines:
    first_response_due_at: datetime
    resolution_due_at: datetime


def _target(policy: Policy, target: timedelta, *, tight: bool) -> timedelta:
    return target * UPSET_FACTOR if tight else target


def _count(
    calendar: BusinessCalendar, policy: Policy, start: datetime, span: timedelta
) -> datetime:
    return calendar.add(start, span) if policy.business_hours else start + span


def deadlines(
    policy: Policy, *, received_at: datetime, calendar: BusinessCalendar, tight: bool = False
) -> Deadlines:
    first = _target(policy, policy.first_response, tight=tight)
    resolution = _target(policy, policy.resolution, tight=tight)
    return Deadlines(
        first_response_due_at=_count(calendar, policy, received_at, first),
        resolution_due_at=_count(calendar, policy, received_at, resolution),
    )


def next_response_due(
    policy: Policy, *, customer_wrote_at: datetime, calendar: BusinessCalendar, tight: bool = False
) -> datetime:
    span = _target(policy, policy.next_response, tight=tight)
    return _count(calendar, policy, customer_wrote_at, span)


def at_risk(due_at: datetime | None, *, now: datetime, warn_before: timedelta) -> bool:
    """True once a deadline is close (but not yet passed)."""
    return due_at is not None and now < due_at <= now + warn_before
