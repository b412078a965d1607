"""Urgent: health or safety, money being taken, losing access, hard deadlines, "can't wait"."""

from __future__ import annotations

import pytest

from rapport.triage.signals import triage


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("My puppy is bleeding from the mouth and can't breathe properly", "health or safety"),
        ("The dog ate half a bar of dark chocolate ten minutes ago", "health or safety"),
        (
            "My cheek is swelling up after the extraction and I'm in a lot of pain",
            "health or safety",
        ),
        ("I've been charged twice for the same order", "money being taken"),
        ("Someone logged into my account and changed the password", "money being taken"),
        ("There's a payment on my card I never authorised", "money being taken"),
        ("Production is stopped, the API returns 500 on every call", "losing access"),
        ("Since this morning none of us can log in to the dashboard", "losing access"),
        ("I'm flying to Rome tomorrow and still have no ticket", "hard deadline"),
        ("I need the certificate today, the tender closes at five", "hard deadline"),
        ("Our wedding is next Saturday and the rings haven't shipped", "hard deadline"),
        ("Please sort this out asap", "cannot wait"),
        ("We can't wait another week for the spare part", "cannot wait"),
    ],
)
def test_urgent_with_the_reason(text: str, kind: str) -> None:
    result = triage(text)
    assert result.urgent
    assert result.priority == "urgent"
    assert result.recommended_contact == "call"
    assert any(f"({kind})" in reason for reason in result.urgent_reasons), result.reasons


def test_reason_quotes_the_words_that_triggered_it() -> None:
    result = triage("Can you make sure it is ready today? I need it before I leave.")
    assert 'urgent: "today" (hard deadline)' in result.reasons


@pytest.mark.parametrize(
    "text",
    [
        "I received my order today and everything was in it.",
        "Do you open tomorrow?",
        "I'm planning a trip in August, will you be open?",
        "can't wait to try the new flavour!",
        "How do I reset my password?",
        "Could you send me the invoice for March?",
    ],
)
def test_not_urgent(text: str) -> None:
    result = triage(text)
    assert not result.urgent, result.reasons
    assert result.priority != "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "Not urgent, but could you check my invoice address?",
        "No rush at all - I need the new strap by Friday if possible.",
        "It's not an emergency, Luna is fine, I just want to book her vaccine.",
        "No es urgente, pero me gustaría saber cuándo hay stock.",
    ],
)
def test_negation_and_no_rush(text: str) -> None:
    result = triage(text)
    assert not result.urgent, result.reasons
    assert result.priority == "low"


def test_no_rush_does_not_hide_a_safety_risk() -> None:
    result = triage("No rush, but the dog's wound is bleeding again")
    assert result.urgent
    assert "health or safety" in result.urgent_reasons[0]


@pytest.mark.parametrize(
    "text",
    [
        "Mi perro está sangrando mucho de la pata",
        "Me cobraron dos veces la misma compra",
        "No podemos acceder al sistema desde esta mañana",
        "Estoy de viaje y tengo un dolor insoportable",
        "Necesito la factura hoy mismo, es urgente",
    ],
)
def test_spanish(text: str) -> None:
    assert triage(text).urgent


def test_non_native_english() -> None:
    assert triage("my account is hack, somebody change my password").urgent
    assert triage("they take my money two times for same ticket").urgent
