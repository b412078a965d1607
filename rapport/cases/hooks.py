"""Core events a feature reacts to, without the core importing the feature.

The core announces what happened with a typed event; a feature subscribes from its own
`AppConfig.ready`:

    # rapport/care/apps.py
    on_case_resolved.subscribe(schedule_policy_follow_up)

    # rapport/cases/actions/status.py, inside the action's transaction
    on_case_resolved.send(CaseResolved(case_id=case.pk, by=by))

Subscribers run in the order they subscribed, synchronously, inside the sender's transaction:
what they write commits or rolls back with the action, and one that raises refuses the action.
Work that should happen after the commit (email, a task) is queued with `transaction.on_commit`
by the subscriber itself. A `FieldsHook`'s subscribers answer with fields of the case, which the
action writes with its own change (routing's deadlines follow a reply or a status change so):

    fields.update(on_status_change.fields(StatusChange(case=fresh, to=to, at=now)))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from rapport.cases.models import Case
from rapport.people.models import Agent, Customer

Event = TypeVar("Event")


class Hook(Generic[Event]):
    """A named point in a core action that features subscribe to."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Callable[[Event], object]] = []

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._receivers)} receiver(s)>"

    @property
    def receivers(self) -> tuple[Callable[[Event], object], ...]:
        return tuple(self._receivers)

    def subscribe(self, receiver: Callable[[Event], object]) -> None:
        """Call `receiver(event)` on every send; subscribing the same one twice is a no-op (an
        `AppConfig.ready` may run twice)."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)

    def unsubscribe(self, receiver: Callable[[Event], object]) -> None:
        self._receivers.remove(receiver)

    def send(self, event: Event) -> None:
        for receiver in list(self._receivers):
            receiver(event)


class FieldsHook(Hook[Event]):
    """A hook whose receivers each answer with a mapping of case fields to write."""

    def fields(self, event: Event) -> dict[str, Any]:
        """Every receiver's fields as one update (a later receiver's value wins)."""
        merged: dict[str, Any] = {}
        for receiver in self.receivers:
            answer = receiver(event)
            if not isinstance(answer, Mapping):
                raise TypeError(f"{receiver!r} answered {self.name} with {answer!r}, not fields")
            merged.update(answer)
        return merged


@dataclass(frozen=True, kw_only=True)
class CaseResolved:
    case_id: int
    # Who resolved it (None: the system, e.g. a rule or an import).
    by: Agent | None


# Sent by `change_status` when a case becomes resolved (care schedules the policy follow-up).
on_case_resolved: Hook[CaseResolved] = Hook("on_case_resolved")


@dataclass(frozen=True, kw_only=True)
class CaseTaken:
    """A person took the case for themselves (assigned it to themselves)."""

    case: Case  # as it is now, with them as its owner
    agent: Agent


@dataclass(frozen=True, kw_only=True)
class CustomersMerged:
    source: Customer  # merged away
    target: Customer  # the survivor, which now holds the source's cases and identities


# Sent by `merge_customers` inside its transaction, once the core's records moved: a feature
# moves what it holds of the source onto the survivor (social's posts).
on_customers_merged: Hook[CustomersMerged] = Hook("on_customers_merged")


# Sent by `assign_case` when the person assigning is the new owner (chat announces them).
on_case_taken: Hook[CaseTaken] = Hook("on_case_taken")


@dataclass(frozen=True, kw_only=True)
class HumanResponse:
    """A person answered the customer (a reply, a call that reached them)."""

    case: Case  # as it was before the answer
    at: datetime
    waiting_on_customer: bool  # the case now waits on the customer


@dataclass(frozen=True, kw_only=True)
class StatusChange:
    case: Case  # as it was before the change, with its owner and their site
    to: str
    at: datetime


@dataclass(frozen=True, kw_only=True)
class PriorityChange:
    case: Case  # as it was before the change, with its owner and their site
    to: str
    at: datetime


# Sent by `reply` and `log_call` (a call that reached the customer), by `change_status` and by
# `change_priority`: routing answers each with the deadlines that follow
# (rapport/routing/deadlines.py).
on_human_response: FieldsHook[HumanResponse] = FieldsHook("on_human_response")
on_status_change: FieldsHook[StatusChange] = FieldsHook("on_status_change")
on_priority_change: FieldsHook[PriorityChange] = FieldsHook("on_priority_change")
