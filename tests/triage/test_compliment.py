"""Compliment: praise or thanks with nothing left to do."""

from __future__ import annotations

import pytest

from rapport.triage.signals import triage


@pytest.mark.parametrize(
    "text",
    [
        "Thank you so much for squeezing Luna in yesterday, Dr. Ortiz was wonderful.",
        "thanks, that fixed it!",
        "Huge shout-out to the team, my new cello case is a work of art.",
        "Muchas gracias por la atención de ayer, un saludo.",
        "you guys are the best 🙌",
    ],
)
def test_pure_compliment(text: str) -> None:
    result = triage(text)
    assert result.compliment, result.reasons
    assert result.priority == "normal"
    assert result.recommended_contact == "reply"
    assert result.compliment_reasons[0].endswith("(praise, nothing left to do)")


@pytest.mark.parametrize(
    "text",
    [
        "love the product but the lid broke",
        "Thanks! One more question: do you deliver to Spain?",
        "Thank you for the quick delivery. Unfortunately the case is the wrong colour.",
        "Thanks in advance for checking my bill.",
        "Muchas gracias. ¿La garantía cubre las ruedas?",
        "Good afternoon, could you send a quote? Kind regards.",
    ],
)
def test_a_compliment_with_something_left_to_do_is_not_a_compliment(text: str) -> None:
    assert not triage(text).compliment, triage(text).reasons


def test_sarcasm_is_not_a_compliment() -> None:
    result = triage("Brilliant job, cancelling with one hour's notice. Really professional.")
    assert not result.compliment
    assert result.upset
