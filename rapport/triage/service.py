"""Triage on every inbound message: the pure core fed with the case's recent history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rapport.cases.models import PRIORITY_RANK, Case, Direction, Message, Priority
from rapport.lib.ranked import newest_per
from rapport.triage import desk
from rapport.triage.explain import SIGNALS, explain
from rapport.triage.loops import LOOP_WINDOW
from rapport.triage.models import MessageSignal
from rapport.triage.reasons import signal_kinds
from rapport.triage.signals import HistoryItem, TriageResult, triage

HISTORY = 10


def read(
    case: Case,
    *,
    text: str,
    channel: str,
    now: datetime,
    phone_available: bool,
    history: Sequence[HistoryItem] | None = None,
) -> TriageResult:
    """Triage of a message on `case`; `history` is the customer's earlier messages on any of
    their cases (read from the database when not given). `phone_available`: someone can call
    the customer now (the caller knows who works when; triage does not)."""
    if history is None:
        history = histories([case], now=now)[0]
    return triage(
        text,
        channel=channel,
        history=history,
        now=now,
        phone_available=phone_available,
        model=desk.current_model(),
    )


def histories(
    cases: Sequence[Case], *, now: datetime, until: datetime | None = None
) -> list[list[HistoryItem]]:
    """For each case (opened or being opened), its customer's last HISTORY inbound messages
    within the loop window across all their cases and channels (and written by `until`),
    oldest first, in one query.

    A customer who sends the same chat twice as two cases, or writes by mail what they just
    said in chat, is going round in circles as surely as one who repeats it on one case; a
    message on another case names where it was said.
    """
    customer_ids = {case.customer_id for case in cases if case.customer_id is not None}
    by_customer: dict[int, list[tuple[int, str, str, datetime]]] = {pk: [] for pk in customer_ids}
    if customer_ids:
        rows = newest_per(
            Message,
            partition="customer_id",
            order=["-created_at", "-pk"],
            limit=HISTORY,
            columns=["customer_id", "case_id", "channel", "text", "created_at"],
            where={
                "customer_id__in": sorted(customer_ids),
                "direction": Direction.INBOUND,
                "created_at__gte": now - LOOP_WINDOW,
                **({"created_at__lte": until} if until is not None else {}),
            },
            oldest_first=True,
        )
        for customer_id, case_id, channel, body, at in rows:
            by_customer[customer_id].append((case_id, channel, body, at))
    return [
        [
            HistoryItem(
                text=body,
                at=at,
                where="" if case_id == case.pk else f"case #{case_id} by {channel}",
            )
            for case_id, channel, body, at in by_customer.get(case.customer_id, [])
        ]
        for case in cases
    ]


def as_case_fields(case: Case, result: TriageResult, *, now: datetime) -> dict[str, Any]:
    """What the case stores: the signals with their reasons, and a priority that follows them
    upwards unless an agent has set it by hand."""
    stored = result.to_dict()
    stored["signals"] = {
        name: list(getattr(result, f"{name}_reasons")) for name in SIGNALS if getattr(result, name)
    }
    stored["safety"] = list(result.safety)  # why a call comes first: "health", "money", ...
    if result.learned:  # what the learned layer raised: score, words, nearest examples
        stored["learned"] = result.learned
    stored["at"] = now.isoformat()
    fields: dict[str, Any] = {"triage": stored}
    suggested = Priority(result.priority)
    if (
        not case.priority_overridden
        and PRIORITY_RANK[suggested] < PRIORITY_RANK[Priority(case.priority)]
    ):
        fields["priority"] = suggested
    return fields


def triage_signals(case: Case) -> list[tuple[str, str, list[str]]]:
    """(signal, label, reasons) for the signals the case shows now (what triage read, as agents
    corrected it), for the inbox; a signal only an agent saw says who."""
    explained = explain(case.triage)
    if explained is None:
        return []
    return [(s.name, s.label, list(s.shown_reasons)) for s in explained.signals if s.shown]


def record_signals(readings: Sequence[tuple[Message, dict[str, Any]]]) -> None:
    """Keep what triage raised on each message (`MessageSignal`), one row per signal and reason
    kind, from the reading the case stored; nothing raised, no query."""
    rows = [
        MessageSignal(
            message=message,
            case_id=message.case_id,
            signal=signal,
            kind=kind,
            at=message.created_at,
        )
        for message, stored in readings
        for signal, kind in signal_kinds(stored)
    ]
    if rows:
        MessageSignal.objects.bulk_create(rows, ignore_conflicts=True)
