"""The kind of each reason triage gave ("anger", "repeated contact", "learned"), read from the
reason's text: a rule's reason ends with its kind in brackets (`upset: "so fed up" (frustration)`),
a learned hit says `learned (0.91): ...`. Pure Python, no Django: the migration that fills
`MessageSignal` for cases triaged before it uses it too."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rapport.triage.explain import LEARNED_PREFIX, SIGNALS

OTHER = "other"
MAX_KIND = 40
_KIND_AT_END = re.compile(r"\(([^()]+)\)\s*$")


def reason_kind(reason: str) -> str:
    """'upset: "so fed up" (frustration)' -> 'frustration'; a learned hit -> 'learned'."""
    _, _, said = reason.partition(": ")
    if said.startswith(LEARNED_PREFIX):
        return LEARNED_PREFIX
    found = _KIND_AT_END.search(reason)
    return found.group(1).strip()[:MAX_KIND] if found else OTHER


def signal_kinds(stored: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(signal, kind) for each raised signal of a stored reading (`Case.triage`), each pair
    once, in the order of SIGNALS; a signal raised without a reason counts as 'other'."""
    signals = stored.get("signals")
    if not isinstance(signals, Mapping):
        return []
    pairs: list[tuple[str, str]] = []
    for signal in SIGNALS:
        reasons = signals.get(signal)
        if not isinstance(reasons, list):
            continue
        kinds = [reason_kind(r) for r in reasons if isinstance(r, str)] or [OTHER]
        pairs.extend((signal, kind) for kind in dict.fromkeys(kinds))
    return pairs
