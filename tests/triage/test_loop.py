"""Loop: the same request again within 24 h, or the customer saying they are going round."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rapport.triage.learned import RULES_ONLY
from rapport.triage.signals import HistoryItem, triage

NOW = datetime(2025, 3, 14, 15, 0, tzinfo=UTC)


def earlier(text: str, hours: float) -> HistoryItem:
    return HistoryItem(text, NOW - timedelta(hours=hours))


def test_near_duplicate_within_24_hours() -> None:
    history = [
        earlier("Where is my refund for order 3391", 3),
        earlier("where is my refund 3391??", 8),
    ]
    result = triage("Where is my refund for order 3391?", history=history, now=NOW)
    assert result.loop
    assert result.priority == "high"
    assert result.loop_reasons[0].startswith("loop: same request as")


def test_same_words_a_week_ago_is_not_a_loop() -> None:
    history = [earlier("Where is my refund for order 3391?", 24 * 7)]
    assert not triage("Where is my refund for order 3391?", history=history, now=NOW).loop


def test_different_request_is_not_a_loop() -> None:
    history = [earlier("Can I book a check-up for Luna on Friday?", 1)]
    assert not triage("And do you sell flea collars?", history=history, now=NOW).loop


def test_short_acknowledgements_repeated_are_not_a_loop() -> None:
    history = [earlier("yes", 0.1), earlier("ok", 0.2)]
    assert not triage("yes", history=history, now=NOW).loop


def test_history_needs_aware_times() -> None:
    naive = HistoryItem("Where is my refund?", datetime(2025, 3, 14, 12, 0))  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        triage("Where is my refund for order 12?", history=[naive], now=NOW)


@pytest.mark.parametrize(
    "text",
    [
        "I've typed my postcode four times and it keeps saying invalid",
        "It keeps asking me to verify my email",
        "I'm going round in circles with your help pages",
        "This is my second email about the missing invoice",
        "Asking again: when will my prescription be ready?",
        "Otra vez me pide el código, ya lo he puesto tres veces",
        "Es la tercera vez que escribo por lo mismo",
    ],
)
def test_customer_says_so(text: str) -> None:
    result = triage(text)
    assert result.loop, result.reasons


@pytest.mark.parametrize(
    "text",
    [
        "The app crashes every time I open it on my tablet",
        "Me cobraron dos veces",  # charged twice: money, not a loop
        "Thanks again for your help!",
    ],
)
def test_not_a_loop(text: str) -> None:
    assert not triage(text).loop, triage(text).reasons


@pytest.mark.parametrize(
    ("text", "before"),
    [
        ("any news on the replacement charger?", "I ordered a replacement charger on Monday"),
        ("hello? still waiting to hear about moving my appointment", "can I move my appointment?"),
        ("cancel the sub like I asked earlier please", "please cancel my monthly subscription"),
        ("¿alguna novedad del cargador?", "pedí un cargador de repuesto el lunes"),
        ("den de baja la suscripción como pedí antes", "quiero dar de baja la suscripción"),
        ("Insisto: sigo necesitando la factura corregida.", "en la factura falta nuestro CIF"),
    ],
)
def test_a_follow_up_on_a_recent_message_is_a_loop(text: str, before: str) -> None:
    result = triage(text, history=[earlier(before, 2)], now=NOW, model=RULES_ONLY)
    assert result.loop
    assert "following up on a message 2 h ago" in result.loop_reasons[0]


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("any news on the replacement charger?", 30),  # the earlier message is over a day old
        ("Good news: the parcel I asked about turned up at my neighbour's", 2),
        ("¡Buenas noticias! El paquete por el que pregunté ya apareció", 2),
    ],
)
def test_a_follow_up_without_a_recent_request_is_no_loop(text: str, hours: float) -> None:
    history = [earlier("where is my parcel? it was due yesterday", hours)]
    assert not triage(text, history=history, now=NOW, model=RULES_ONLY).loop
