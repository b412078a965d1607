"""Why triage said what it said about a case, read back from what the case stores (`Case.triage`):
each signal with its reasons (the rule's words; for a learned hit the words that weighed most and
the nearest labelled examples), why this priority and this contact, and which model decided.

Pure Python, no Django: the case page and the API both read a case through `explain`. It reads
every shape `Case.triage` has had: `{}` (never triaged), the rules-only shape (booleans, `reasons`,
`signals` per name, `at`) and the shape with a learned layer (`model`, `learned` per signal). A
value it cannot read (an erased or hand-edited field) is left out rather than guessed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from rapport.triage.signals import PRIORITIES

Contact = Literal["call", "callback", "reply"]
_CONTACTS: dict[str, Contact] = {"call": "call", "callback": "callback", "reply": "reply"}
SIGNALS = ("urgent", "upset", "wants_human", "loop", "compliment")
LABELS = {
    "urgent": "Urgent",
    "upset": "Upset",
    "wants_human": "Wants a person",
    "loop": "Going round in circles",
    "compliment": "Compliment",
}
# An agent's word on a signal, as the one-click buttons and every note about a correction say it.
UNDO = {
    "urgent": "Not urgent",
    "upset": "Not upset",
    "wants_human": "Didn't ask for a person",
    "loop": "Not going round in circles",
    "compliment": "Not a compliment",
}
CLAIM = {
    "urgent": "Was urgent",
    "upset": "Was upset",
    "wants_human": "Wanted a person",
    "loop": "Was going round in circles",
    "compliment": "Was a compliment",
}


def corrected_word(signal: str, value: bool) -> str:
    """'not urgent', "didn't ask for a person", 'was a compliment'."""
    return (CLAIM if value else UNDO)[signal].lower()


# How each raised signal reads in a sentence saying why.
_PHRASES = {
    "urgent": "it is urgent",
    "upset": "the customer is upset",
    "wants_human": "they ask for a person",
    "loop": "they are going round in circles",
}
_CALL_SIGNALS = ("urgent", "upset", "wants_human")
LEARNED_PREFIX = "learned"  # a learned hit's reason: 'learned (0.91): "chest pain"; like: "..."'
MAX_EXAMPLE_CHARS = 160  # an example is shown, not read: its start says what it is


@dataclass(frozen=True, slots=True)
class Example:
    """A labelled message the learned layer found nearest, with the signals it was labelled."""

    text: str
    labels: tuple[str, ...]

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(LABELS.get(label, label) for label in self.labels)


@dataclass(frozen=True, slots=True)
class Learned:
    """What the learned layer saw for one signal: its score, the words that weighed most, and
    the nearest labelled examples."""

    score: float
    words: tuple[str, ...]
    examples: tuple[Example, ...]


@dataclass(frozen=True, slots=True)
class Correction:
    """An agent's latest word on a signal (rapport/triage/actions/corrections.py stores it)."""

    value: bool
    by: str
    by_id: int | None
    at: datetime | None


@dataclass(frozen=True, slots=True)
class Signal:
    name: str
    label: str
    raised: bool  # what triage read
    reasons: tuple[str, ...]  # without the "urgent: " prefix the stored reasons carry
    learned: Learned | None
    corrected: Correction | None = None

    @property
    def shown(self) -> bool:
        """Whether the case shows the signal now: an agent's correction, else triage."""
        return self.corrected.value if self.corrected is not None else self.raised

    @property
    def shown_reasons(self) -> tuple[str, ...]:
        """Why it shows: triage's reasons, or for a signal only an agent saw, who said so."""
        if self.raised or self.corrected is None:
            return self.reasons
        return (f"corrected by {self.corrected.by or 'an agent'}",)

    @property
    def rule_reasons(self) -> tuple[str, ...]:
        """The rules' own words (a learned hit's reason is shown from `learned` instead)."""
        if self.learned is None:
            return self.reasons
        return tuple(r for r in self.reasons if not r.startswith(LEARNED_PREFIX))


@dataclass(frozen=True, slots=True)
class ModelRef:
    name: str
    version: str


@dataclass(frozen=True, slots=True)
class Explanation:
    signals: tuple[Signal, ...]  # all five, in SIGNALS order
    priority: str
    priority_reason: str
    recommended_contact: Contact
    contact_reason: str
    model: ModelRef | None  # None: triaged before the model was recorded (the rules alone)
    at: datetime | None

    @property
    def raised(self) -> tuple[Signal, ...]:
        return tuple(signal for signal in self.signals if signal.raised)

    @property
    def corrected(self) -> tuple[Signal, ...]:
        """The signals an agent corrected, the latest word first."""
        words = [s for s in self.signals if s.corrected is not None]
        return tuple(sorted(words, key=_when, reverse=True))


def explain(stored: Mapping[str, Any]) -> Explanation | None:
    """The explanation of a case's stored triage; None when no message was triaged on it (or
    what is stored has no readable priority and contact)."""
    priority, contact = stored.get("priority"), stored.get("recommended_contact")
    if priority not in PRIORITIES or contact not in _CONTACTS:
        return None
    # An agent's corrections move the priority triage suggests (and the contact, stored as is).
    priority = stored.get("corrected_priority", priority)
    priority = priority if priority in PRIORITIES else stored["priority"]
    per_signal = _mapping(stored.get("signals"))
    learned = _mapping(stored.get("learned"))
    corrections = _mapping(stored.get("corrected"))
    signals = tuple(
        Signal(
            name=name,
            label=LABELS[name],
            raised=bool(stored.get(name, name in per_signal)),
            reasons=tuple(_plain(name, r) for r in _strings(per_signal.get(name))),
            learned=_learned(learned.get(name)),
            corrected=_correction(corrections.get(name)),
        )
        for name in SIGNALS
    )
    notes = _notes(_strings(stored.get("reasons")))
    return Explanation(
        signals=signals,
        priority=str(priority),
        priority_reason=_priority_reason(
            str(priority), signals, notes.get(f"priority {priority}", [])
        ),
        recommended_contact=_CONTACTS[contact],
        contact_reason=_contact_reason(contact, signals, notes.get(f"contact {contact}", [])),
        model=_model(stored.get("model")),
        at=_moment(stored.get("at")),
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _plain(name: str, reason: str) -> str:
    """'upset: "nobody answers" (...)' reads as '"nobody answers" (...)' under its heading."""
    prefix = f"{name}: "
    return reason[len(prefix) :] if reason.startswith(prefix) else reason


def _learned(value: Any) -> Learned | None:
    if not isinstance(value, Mapping):
        return None
    score = value.get("score")
    if isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score):
        return None
    examples = value.get("examples")
    return Learned(
        score=float(score),
        words=tuple(_strings(value.get("words"))),
        examples=tuple(
            Example(text=_short(example["text"]), labels=tuple(_strings(example.get("labels"))))
            for example in (examples if isinstance(examples, list) else [])
            if isinstance(example, Mapping) and isinstance(example.get("text"), str)
        ),
    )


def _correction(value: Any) -> Correction | None:
    if not isinstance(value, Mapping) or not isinstance(value.get("value"), bool):
        return None
    by, by_id = value.get("by"), value.get("by_id")
    return Correction(
        value=value["value"],
        by=by if isinstance(by, str) else "",
        by_id=by_id if isinstance(by_id, int) and not isinstance(by_id, bool) else None,
        at=_moment(value.get("at")),
    )


def _when(signal: Signal) -> float:
    at = signal.corrected.at if signal.corrected is not None else None
    return at.timestamp() if at is not None else 0.0


def _short(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= MAX_EXAMPLE_CHARS else words[: MAX_EXAMPLE_CHARS - 1] + "…"


def _model(value: Any) -> ModelRef | None:
    if not isinstance(value, Mapping):
        return None
    name, version = value.get("name"), value.get("version")
    if not isinstance(name, str) or not name:
        return None
    return ModelRef(name=name, version=str(version) if version is not None else "")


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _notes(reasons: Sequence[str]) -> dict[str, list[str]]:
    """'contact: reply ("no need to call")' -> {"contact reply": ['"no need to call"']}: what the
    reasons about the priority and the contact add after their value, brackets dropped."""
    notes: dict[str, list[str]] = {}
    for reason in reasons:
        topic, _, rest = reason.partition(": ")
        head, _, said = rest.partition(" ")
        said = said.strip().removeprefix("— ")
        if said.startswith("(") and said.endswith(")") and said.count("(") == 1:
            said = said[1:-1].strip()
        if topic in ("priority", "contact") and said:
            notes.setdefault(f"{topic} {head}", []).append(said)
    return notes


def _sentence(parts: Sequence[str]) -> str:
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return text[:1].upper() + text[1:]


def _corrected_note(signals: Sequence[Signal]) -> str:
    """' Corrected by Dr. Ana Ortiz: not urgent.' for the corrections that changed a signal."""
    words = [
        f"{s.corrected.by or 'an agent'}: {corrected_word(s.name, s.corrected.value)}"
        for s in signals
        if s.corrected is not None and s.corrected.value != s.raised
    ]
    return f" Corrected by {'; '.join(words)}." if words else ""


def _priority_reason(priority: str, signals: Sequence[Signal], notes: Sequence[str]) -> str:
    return _priority_why(priority, signals, notes) + _corrected_note(signals)


def _priority_why(priority: str, signals: Sequence[Signal], notes: Sequence[str]) -> str:
    raised = {signal.name: signal for signal in signals if signal.shown}
    if priority == "urgent" and "urgent" in raised:
        return "It is urgent" + _first_why(raised["urgent"]) + "."
    high = [_PHRASES[name] for name in ("upset", "wants_human", "loop") if name in raised]
    if priority == "high" and high:
        return _sentence(high) + "."
    if priority == "low":
        return "They said there is no hurry" + (f": {notes[0]}" if notes else "") + "."
    if "compliment" in raised:
        return "A compliment with nothing left to do."
    return "Nothing in the message raises it."


def _first_why(signal: Signal) -> str:
    """': "flight tomorrow" (hard deadline)', or for a learned hit its score."""
    if signal.rule_reasons:
        return f": {signal.rule_reasons[0]}"
    if signal.learned is not None:
        return f" (learned model, score {signal.learned.score:.2f})"
    return ""


def _contact_reason(contact: str, signals: Sequence[Signal], notes: Sequence[str]) -> str:
    return _contact_why(contact, signals, notes) + _corrected_note(signals)


def _contact_why(contact: str, signals: Sequence[Signal], notes: Sequence[str]) -> str:
    calling = [_PHRASES[s.name] for s in signals if s.shown and s.name in _CALL_SIGNALS]
    said = "; ".join(notes)
    if contact == "call":
        why = _sentence(calling) if calling else "A call was recommended"
        return why + (f": {said}" if said else "") + "."
    if contact == "callback":
        why = _sentence(calling) if calling else "A call is needed"
        return f"{why}, but {said or 'nobody can take a call now'}."
    if calling and notes:
        return f"They declined a call: {said}."
    if calling:
        return f"{_sentence(calling)}, yet a written reply was recommended."
    return "Nothing needs a call: not urgent, not upset, no request for a person."
