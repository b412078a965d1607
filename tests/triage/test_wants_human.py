"""Wants a human: a person, a call, a manager, a number - or a complaint about bots and menus."""

from __future__ import annotations

import pytest

from rapport.triage.sentiment import compound
from rapport.triage.signals import triage


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I just want to talk to a real person, not a robot!", "asks for a person"),
        ("agent", "asks for a person"),
        ("Can someone call me back this afternoon?", "asks for a call"),
        ("Could you give me a phone number I can call?", "asks for a number"),
        ("I'd like to speak with your manager about this", "asks for a person"),
        ("Please escalate this to someone who can decide", "asks for a manager"),
        ("Stop sending me automated replies", "complains about automation"),
        ("Your chatbot is useless", "complains about automation"),
        ("I spent 40 minutes pressing buttons in your phone menu", "complains about automation"),
        ("Nobody answers the phone at your office", "cannot reach anyone"),
    ],
)
def test_wants_human_in_any_channel(text: str, kind: str) -> None:
    for channel in ("chat", "email", "sms", "social", "web"):
        result = triage(text, channel=channel)
        assert result.wants_human, (channel, result.reasons)
        assert result.recommended_contact == "call"
        assert any(f"({kind})" in reason for reason in result.wants_human_reasons), result.reasons


def test_vader_alone_calls_this_positive_triage_does_not_miss_it() -> None:
    text = "I just want to talk to a real person, not a robot!"
    assert compound(text) > 0
    result = triage(text)
    assert result.wants_human
    assert not result.compliment


@pytest.mark.parametrize(
    "text",
    [
        "Quiero hablar con una persona, por favor.",
        "Llámenme cuando puedan.",
        "un humano por favor, no un robot",
        "¿Me pueden dar un número de teléfono para llamar?",
        "Necesito hablar con alguien, no con el contestador automático.",
    ],
)
def test_spanish(text: str) -> None:
    assert triage(text, channel="chat").wants_human, triage(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "No need to call me, email is fine.",
        "Please don't call, I'm at work.",
        "I don't need to speak to a manager, just send the return address.",
        "No hace falta que me llamen, con un mensaje me vale.",
        "I spoke to a very helpful person on the phone yesterday.",
        "Hi, I'm the office manager at Dunn Ltd. Please send the price list.",
        "Thanks, the bot answer about opening hours was exactly what I needed.",
    ],
)
def test_negation_and_mentions_are_not_a_request(text: str) -> None:
    result = triage(text)
    assert not result.wants_human, result.reasons


def test_declined_call_means_a_written_reply_even_when_upset() -> None:
    result = triage("This is unacceptable. Please don't call me, answer by email.")
    assert result.upset
    assert result.recommended_contact == "reply"
    assert any(reason.startswith("contact: reply") for reason in result.reasons)


def test_callback_when_nobody_can_take_a_call() -> None:
    result = triage("Can somebody phone me back today please", phone_available=False)
    assert result.wants_human
    assert result.recommended_contact == "callback"
    assert "contact: callback (nobody can take a call now)" in result.reasons


def test_non_native_english() -> None:
    assert triage("I want speak with person please").wants_human
    assert triage("Please to call me, I not understand the email").wants_human


def test_no_need_for_a_human_is_no_request_for_one() -> None:
    result = triage("haha no need for a human, the FAQ answered it. is delivery free over £40?")
    assert not result.wants_human, result.reasons
