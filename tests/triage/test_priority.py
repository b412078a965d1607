"""Priority and recommended contact, the result's JSON shape, and the stories in DESIGN.md."""

from __future__ import annotations

import json

import pytest

from rapport.triage.signals import JSON_KEYS, triage


def test_to_dict_has_exactly_the_documented_keys() -> None:
    data = triage("My dog is bleeding, please call me").to_dict()
    assert tuple(data) == (*JSON_KEYS, "model")
    assert json.loads(json.dumps(data)) == data
    assert data["reasons"] == [r for r in data["reasons"] if isinstance(r, str)]


@pytest.mark.parametrize(
    ("text", "priority", "contact"),
    [
        ("The card terminal is down and we can't take payments", "urgent", "call"),
        ("This is ridiculous, nobody answers my emails", "high", "call"),
        ("I'd rather talk to a person about this", "high", "call"),
        ("It keeps asking me for the same document", "high", "reply"),
        ("Do you make cases for bass clarinet?", "normal", "reply"),
        ("No rush - is the black case available in size L?", "low", "reply"),
    ],
)
def test_priority_and_contact(text: str, priority: str, contact: str) -> None:
    result = triage(text)
    assert (result.priority, result.recommended_contact) == (priority, contact), result.reasons


def test_urgent_without_anyone_on_the_phone_becomes_a_callback() -> None:
    result = triage("Our website is down", phone_available=False)
    assert result.recommended_contact == "callback"


def test_the_trapped_chat_customer_story() -> None:
    """DESIGN story 3: a serious glitch in chat and "I just want a real person"."""
    text = (
        "There's a serious glitch: every invoice goes out with the wrong VAT and our accountant"
        " is blocked. I just want to talk to a real person, not a robot!"
    )
    result = triage(text, channel="chat")
    assert result.wants_human
    assert result.recommended_contact == "call"
    assert result.priority == "urgent"
    assert not result.compliment


def test_the_compliment_story() -> None:
    """DESIGN story 4: a compliment email gets a personal reply, at normal priority."""
    text = (
        "Hello,\n\nI just wanted to say thank you to Ben and everyone at the clinic. You took such"
        " good care of our old cat Pepper last week. Wonderful people.\n\nWarm regards,\nLinda"
    )
    result = triage(text, channel="email")
    assert result.compliment
    assert result.priority == "normal"
    assert result.recommended_contact == "reply"
    assert not (result.urgent or result.upset or result.wants_human or result.loop)


def test_the_traveller_in_pain_story() -> None:
    """DESIGN story 2: a traveller in pain is urgent and upset, and gets a call."""
    text = (
        "I'm abroad on a work trip and my tooth is in so much pain I can't sleep, my face is"
        " swelling up. I don't know what to do, please help me."
    )
    result = triage(text, channel="phone")
    assert result.urgent and result.upset
    assert result.recommended_contact == "call"


def test_quoted_reply_text_is_not_the_customer_speaking() -> None:
    text = (
        "Thanks, all sorted now!\n\nOn Mon, 3 Mar 2025, Ana wrote:\n> Is it urgent? Call us asap."
    )
    result = triage(text)
    assert not result.urgent
    assert result.compliment


def test_long_email_is_bounded_and_still_read() -> None:
    text = "Hello,\n" + "We had a lovely week with the new case. " * 2000 + "\nOur site is down!"
    result = triage(text)
    assert result.urgent  # the tail of a long mail is read too
