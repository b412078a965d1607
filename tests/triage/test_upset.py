"""Upset: anger, frustration, distress or fear - words, capitals, punctuation, sarcasm."""

from __future__ import annotations

import pytest

from rapport.triage.signals import triage


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("This is unacceptable, I paid for express delivery", "anger"),
        ("I'm fed up with waiting for this refund", "frustration"),
        ("This is the third time I write about this", "repeated contact"),
        ("Nobody answers my emails", "frustration"),
        ("The party was ruined because the cake arrived squashed", "anger"),
        ("I'm so worried about Milo, he's hiding and shaking", "distress or fear"),
        ("WHERE IS MY ORDER", "CAPITALS"),
        ("My order still hasn't arrived!!!", "repeated punctuation"),
    ],
)
def test_upset_with_the_reason(text: str, cue: str) -> None:
    result = triage(text)
    assert result.upset
    assert result.priority in {"high", "urgent"}
    assert result.recommended_contact == "call"
    assert any(cue in reason for reason in result.upset_reasons), result.reasons


@pytest.mark.parametrize(
    "text",
    [
        "great, broken again",
        "Oh wonderful, the app crashed again right when I was paying",
        "Thanks for nothing. Missed my flight because of you.",
    ],
)
def test_sarcastic_praise_is_upset_not_compliment(text: str) -> None:
    result = triage(text)
    assert result.upset
    assert not result.compliment
    assert any("(sarcasm)" in reason for reason in result.upset_reasons)


@pytest.mark.parametrize(
    "text",
    [
        "I'm not angry, just confused: which plan am I on?",
        "I'm not upset at all, I just want to understand the charge.",
        "The package is late, any update?",
        "THANK YOU SO MUCH!!!",
        "Great service as always, but my last order is missing one item.",
    ],
)
def test_not_upset(text: str) -> None:
    assert not triage(text).upset, triage(text).reasons


def test_a_past_fear_in_a_thank_you_letter_is_not_upset() -> None:
    text = "The night we came in I was honestly terrified, and you were so calm. Thank you!"
    result = triage(text)
    assert not result.upset
    assert result.compliment


@pytest.mark.parametrize(
    "text",
    [
        "Estoy harta, llevo un mes esperando y nadie me contesta.",
        "Es una vergüenza, el pedido llegó roto.",
        "Me parece inaceptable que me cobren una consulta que no se hizo.",
    ],
)
def test_spanish(text: str) -> None:
    assert triage(text).upset


def test_vader_tips_the_balance_only_beside_a_domain_cue() -> None:
    # One weak cue ("still waiting") plus a very negative tone: upset, and VADER is named.
    result = triage("Still waiting. Horrible, hopeless, miserable experience and I hate it.")
    assert result.upset
    # A negative tone alone (a sad event, no complaint) is not enough.
    assert not triage("Sadly our old cat died last week.").upset
