"""Triage on every inbound message: the pure core fed with the case's recent history."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from rapport.cases.models import PRIORITY_RANK, Case, Direction, Message, Priority
from rapport.lib.ranked import newest_per
from rapport.routing.service import agent_calendar, is_available
from rapport.triage.signals import HistoryItem, TriageResult, triage

HISTORY = 10
SIGNALS = ("urgent", "upset", "wants_human", "loop", "compliment")


def _someone_can_call(case: Case, *, now: datetime) -> bool:
    owner = case.owner
    return owner is not None and is_available(owner, now) and agent_calendar(owner).is_open(now)


def read(
    case: Case,
    *,
    text: str,
    channel: str,
    now: datetime,
    history: Sequence[HistoryItem] | None = None,
) -> TriageResult:
    """Triage of a message on `case`; `history` is the customer's earlier messages on it
    (read from the database when not given; a case being opened has none)."""
    if history is None:
        history = histories([case.pk])[case.pk] if case.pk is not None else []
    return triage(
        text,
        channel=channel,
        history=history,
        now=now,
        phone_available=_someone_can_call(case, now=now),
    )


def histories(case_ids: Iterable[int]) -> dict[int, list[HistoryItem]]:
    """The last HISTORY inbound messages of each case, oldest first, in one query."""
    ids = list(case_ids)
    found: dict[int, list[HistoryItem]] = {pk: [] for pk in ids}
    if not ids:
        return found
    rows = newest_per(
        Message,
        partition="case_id",
        order=["-created_at", "-pk"],
        limit=HISTORY,
        columns=["case_id", "text", "created_at"],
        where={"case_id__in": ids, "direction": Direction.INBOUND},
        oldest_first=True,
    )
    for case_id, body, at in rows:
        found[case_id].append(HistoryItem(text=body, at=at))
    return found


def as_case_fields(case: Case, result: TriageResult, *, now: datetime) -> dict[str, Any]:
    """What the case stores: the signals with their reasons, and a priority that follows them
    upwards unless an agent has set it by hand."""
    stored = result.to_dict()
    stored["signals"] = {
        name: list(getattr(result, f"{name}_reasons")) for name in SIGNALS if getattr(result, name)
    }
    stored["at"] = now.isoformat()
    fields: dict[str, Any] = {"triage": stored}
    suggested = Priority(result.priority)
    if (
        not case.priority_overridden
        and PRIORITY_RANK[suggested] < PRIORITY_RANK[Priority(case.priority)]
    ):
        fields["priority"] = suggested
    return fields


SIGNAL_LABELS = {
    "urgent": "Urgent",
    "upset": "Upset",
    "wants_human": "Wants a person",
    "loop": "Going round in circles",
    "compliment": "Compliment",
}


def triage_signals(case: Case) -> list[tuple[str, str, list[str]]]:
    """(signal, label, reasons) for what triage saw on the latest message, for display."""
    signals: dict[str, list[str]] = case.triage.get("signals", {})
    return [
        (name, SIGNAL_LABELS[name], [_plain(name, reason) for reason in signals[name]])
        for name in SIGNALS
        if name in signals
    ]


def _plain(name: str, reason: str) -> str:
    """'upset: "nobody answers" (...)' reads as '"nobody answers" (...)' under its heading."""
    prefix = f"{name}: "
    return reason[len(prefix) :] if reason.startswith(prefix) else reason
