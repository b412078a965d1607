"""A message too short to carry a signal ("see attached", "thanks, got it") gets none from the
learned layer: on so few words its scores say little (half the training messages need a call, so
the neighbours' share sits near one half). Only a rule may raise a signal on it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from rapport.triage import inputs, learned
from rapport.triage.signals import triage

# Hand-written for this test (in no data file): short neutral replies, English and Spanish.
SHORT_NEUTRAL = [
    "see attached",
    "Here it is",
    "thanks, got it",
    "Tell me more",
    "ok",
    "adjunto el archivo",
    "aquí lo tienes",
    "vale, recibido",
    "Cuéntame más",
]


@pytest.fixture(scope="module")
def eager() -> learned.Model:
    """The shipped model with every threshold at zero: it raises every signal it may."""
    shipped = learned.load_shipped()
    return dataclasses.replace(shipped, thresholds=np.zeros_like(shipped.thresholds))


@pytest.mark.parametrize("text", SHORT_NEUTRAL)
def test_a_short_neutral_message_gets_no_learned_signal(eager: learned.Model, text: str) -> None:
    assert inputs.too_short(text)
    result = triage(text, model=eager)
    assert result.recommended_contact == "reply", result.reasons
    assert result.priority == "normal"
    assert result.learned == {}
    assert not (result.urgent or result.upset or result.wants_human), result.reasons


@pytest.mark.parametrize("text", SHORT_NEUTRAL)
def test_the_shipped_model_replies_to_a_short_neutral_message(text: str) -> None:
    result = triage(text)
    assert result.recommended_contact == "reply", result.reasons
    assert result.learned == {}
    assert not (result.urgent or result.upset or result.wants_human), result.reasons


@pytest.mark.parametrize(
    ("text", "signal"),
    [("call me please", "wants_human"), ("llámenme por favor", "wants_human")],
)
def test_a_rule_still_raises_a_signal_on_a_short_message(
    eager: learned.Model, text: str, signal: str
) -> None:
    assert inputs.too_short(text)
    result = triage(text, model=eager)
    assert getattr(result, signal), result.reasons
    assert result.recommended_contact == "call"
    assert result.learned == {}  # the rule's words, not the model's


def test_a_message_with_enough_words_is_read_by_the_learned_layer(eager: learned.Model) -> None:
    text = "the heating has not come on since yesterday evening"
    assert not inputs.too_short(text)
    assert triage(text, model=eager).learned
