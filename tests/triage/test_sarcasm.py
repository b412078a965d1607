"""Sarcasm read as praise: a praise word or a thank-you around a failure is upset, not a
compliment, in English and Spanish; meant thanks stays a compliment. Rules alone, so the test
holds whatever the model learns."""

from __future__ import annotations

import pytest

from rapport.triage import learned
from rapport.triage.signals import triage

# Hand-written for this test (in no data file).
SARCASM = [
    "Brilliant. The replacement arrived broken too.",
    "Perfecto. El pedido ha desaparecido otra vez.",
    "Thanks so much for closing my account without telling me.",
    "Muchas gracias por dejarme sin internet todo el fin de semana.",
    "mil gracias por cancelar la reserva sin avisar, de verdad",
    "my parcel has vanished from the tracking, wonderful",
    "el paquete ha desaparecido del seguimiento, estupendo",
    "love that the app logs me out every time I pay",
    "me encanta que la web me eche cada vez que pago",
    "great, another week without my refund",
    "genial, otra semana sin mi reembolso",
]
MEANT = [
    "Thanks so much for sorting it out so quickly!",
    "Muchas gracias por cambiarlo sin coste, sois geniales",
    "Brilliant. Thank you for the quick reply.",
    "everything arrived this morning, perfect!",
    "mil gracias, ha llegado todo perfecto",
]


@pytest.mark.parametrize("text", SARCASM)
def test_sarcasm_is_upset_not_praise(text: str) -> None:
    result = triage(text, model=learned.RULES_ONLY)
    assert result.upset, result.reasons
    assert any(reason.endswith("(sarcasm)") for reason in result.upset_reasons)
    assert not result.compliment
    assert result.recommended_contact == "call"


@pytest.mark.parametrize("text", MEANT)
def test_meant_thanks_stays_a_compliment(text: str) -> None:
    result = triage(text, model=learned.RULES_ONLY)
    assert not result.upset, result.reasons
    assert result.compliment
