"""A desk model learns from the desk's corrected messages but never shows one: the nearest
labelled examples it explains with are the shipped data's only. A customer's own words in a
desk model would be shown on other teams' cases, copied into their stored triage, and outlive
the customer's erasure (found walking the desk, issue 15)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rapport.triage import retrain
from rapport.triage.actions.corrections import correct_signal
from rapport.triage.signals import triage
from tests.conftest import World
from tests.triage.helpers import clinic_case
from tests.triage.test_desk_models import _small_data  # noqa: F401 - the small shipped data

pytestmark = pytest.mark.usefixtures("_small_data")

PRIVATE = "Zephyrine Quast"  # a name no shipped example holds
SAID = (
    f"This is {PRIVATE}: my dog swallowed a whole packet of my heart tablets ten minutes ago "
    "and now she is shaking and drooling, please help"
)


def test_a_desk_model_never_shows_a_customers_message_as_an_example(world: World) -> None:
    case = clinic_case(world, SAID)
    correct_signal(agent=world.agent, case=case, signal="upset", value=True)
    corrected = retrain.corrected_examples()
    assert len(corrected.examples) == 1
    model, _ = retrain.train(corrected, version="1")

    assert not any(PRIVATE in text for text in model.texts)
    assert PRIVATE.encode() not in model.to_bytes()
    # Explaining a message like it, the examples shown are the shipped data's.
    result = triage(SAID, channel="email", now=datetime.now(UTC), model=model)
    shown = [e["text"] for hit in result.learned.values() for e in hit.get("examples", [])]
    assert all(text and PRIVATE not in text for text in shown)
