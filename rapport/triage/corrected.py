"""What a case shows once agents have corrected triage: read from `Case.triage`, no query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rapport.cases.models import Priority
from rapport.triage.explain import CLAIM, UNDO
from rapport.triage.models import TriageSignal

CALLING = ("urgent", "upset", "wants_human")  # the signals that steer to a call
RAISING = ("upset", "wants_human", "loop")  # the signals that make a case high


def effective(triage: dict[str, Any], signal: str) -> bool:
    """Whether the case shows `signal` now: an agent's correction, else what triage read."""
    corrected = triage.get("corrected", {}).get(signal)
    return bool(corrected["value"]) if corrected else bool(triage.get(signal))


def suggested_priority(triage: dict[str, Any]) -> Priority:
    """The priority the signals give once corrected, as triage ranks them: urgent, then high for
    upset / a person / a loop; with none, what triage said if it said less than high."""
    if effective(triage, "urgent"):
        return Priority.URGENT
    if any(effective(triage, name) for name in RAISING):
        return Priority.HIGH
    read = triage.get("priority", Priority.NORMAL)
    return Priority(read) if read in (Priority.NORMAL, Priority.LOW) else Priority.NORMAL


@dataclass(frozen=True, slots=True)
class Row:
    """One signal on the case page: whether it shows, the button that flips it, who corrected."""

    signal: str
    label: str
    shown: bool
    button: str
    by: str = ""
    at: datetime | None = None


def rows(triage: dict[str, Any]) -> list[Row]:
    corrected = triage.get("corrected", {})
    out = []
    for signal in TriageSignal:
        shown = effective(triage, signal.value)
        word = corrected.get(signal.value)
        out.append(
            Row(
                signal=signal.value,
                label=signal.label,
                shown=shown,
                button=UNDO[signal.value] if shown else CLAIM[signal.value],
                by=word["by"] if word else "",
                at=datetime.fromisoformat(word["at"]) if word else None,
            )
        )
    return out
