"""What the API says about a case's triage: every signal with its reasons, why this priority and
this contact, and which model decided (read through rapport/triage/explain.py, as the case page
is)."""

from __future__ import annotations

from typing import Self

from ninja import Field, Schema

from rapport.api.schemas.agents import AgentRef
from rapport.api.schemas.base import Timestamp
from rapport.cases.models import Case, Priority
from rapport.triage.explain import Contact, Learned, ModelRef, Signal, explain
from rapport.triage.models import TriageSignal


class TriageExampleOut(Schema):
    text: str = Field(description="The labelled message, its start (at most 160 characters).")
    labels: list[str] = Field(description="The signals it was labelled with.")


class TriageLearnedOut(Schema):
    """Why the learned layer raised the signal."""

    score: float = Field(description="The model's score for the signal, 0 to 1.")
    words: list[str] = Field(description="The words of the message that weighed most.")
    examples: list[TriageExampleOut] = Field(description="The nearest labelled examples.")

    @classmethod
    def of(cls, learned: Learned | None) -> Self | None:
        if learned is None:
            return None
        return cls(
            score=learned.score,
            words=list(learned.words),
            examples=[
                TriageExampleOut(text=e.text, labels=list(e.labels)) for e in learned.examples
            ],
        )


class TriageSignalOut(Schema):
    raised: bool = Field(description="What triage read in the message.")
    shown: bool = Field(
        description="What the case shows: an agent's correction (see `corrections`), else "
        "`raised`. The inbox, the case page and the priority follow this one."
    )
    reasons: list[str] = Field(
        description='Why, in the customer\'s words: e.g. `"flight tomorrow" (hard deadline)`; '
        "a learned hit adds one starting `learned`."
    )
    learned: TriageLearnedOut | None = Field(
        description="Set when the learned layer raised the signal."
    )

    @classmethod
    def of(cls, signal: Signal) -> Self:
        return cls(
            raised=signal.raised,
            shown=signal.shown,
            reasons=list(signal.reasons),
            learned=TriageLearnedOut.of(signal.learned),
        )


class TriageSignalsOut(Schema):
    urgent: TriageSignalOut
    upset: TriageSignalOut
    wants_human: TriageSignalOut
    loop: TriageSignalOut = Field(description="Going round in circles.")
    compliment: TriageSignalOut


class TriageModelOut(Schema):
    name: str = Field(
        description='"shipped" (trained on the data Rapport ships), "desk" (retrained on this '
        'desk\'s corrections) or "rules" (the rules alone).'
    )
    version: str

    @classmethod
    def of(cls, model: ModelRef | None) -> Self | None:
        return None if model is None else cls(name=model.name, version=model.version)


class TriageCorrectionOut(Schema):
    """An agent's latest word on one signal of the case."""

    signal: TriageSignal
    value: bool = Field(description='true: "was it" ("was upset"); false: "was not".')
    read: bool = Field(description="What triage had read.")
    agent: AgentRef | None = Field(description="Who corrected it.")
    at: Timestamp | None

    @classmethod
    def of(cls, signal: Signal) -> Self:
        word = signal.corrected
        assert word is not None  # noqa: S101 - only corrected signals are passed
        return cls(
            signal=TriageSignal(signal.name),
            value=word.value,
            read=signal.raised,
            agent=None if word.by_id is None else AgentRef(id=word.by_id, display_name=word.by),
            at=word.at,
        )


class TriageOut(Schema):
    """What triage read in the customer's latest message, and why."""

    signals: TriageSignalsOut
    priority: Priority = Field(
        description="The priority triage suggested (as corrected by agents). The case's own "
        "`priority` is raised to it, never lowered by a later message; an agent's correction "
        "lowers what triage raised; an agent who sets the priority by hand keeps it."
    )
    priority_reason: str
    recommended_contact: Contact = Field(
        description="call, callback (nobody can take a call now) or a written reply."
    )
    contact_reason: str
    model: TriageModelOut | None = Field(
        description="The model that read the message with the rules; null: triaged before "
        "models were recorded (by the rules alone)."
    )
    at: Timestamp | None = Field(description="When the message was triaged.")
    corrections: list[TriageCorrectionOut] = Field(
        description="Agents' corrections of the signals, the latest word on each, newest first "
        "(every correction: GET /cases/{id}/triage/corrections). `priority`, "
        "`recommended_contact` and the reasons follow them; `signals` keep what triage read."
    )

    @classmethod
    def of(cls, case: Case) -> Self | None:
        explained = explain(case.triage)
        if explained is None:
            return None
        signals = {signal.name: TriageSignalOut.of(signal) for signal in explained.signals}
        return cls(
            signals=TriageSignalsOut(**signals),
            priority=Priority(explained.priority),
            priority_reason=explained.priority_reason,
            recommended_contact=explained.recommended_contact,
            contact_reason=explained.contact_reason,
            model=TriageModelOut.of(explained.model),
            at=explained.at,
            corrections=[TriageCorrectionOut.of(s) for s in explained.corrected],
        )
