"""An erased customer's corrected messages teach the desk model nothing: their text is
"(erased)", and as training examples they taught that "(erased)" is urgent or upset."""

from __future__ import annotations

from rapport.datacare.actions.erasure import erase_customer
from rapport.triage import retrain
from rapport.triage.actions.corrections import correct_signal
from tests.conftest import World
from tests.triage.helpers import clinic_case


def test_an_erased_customers_corrections_are_not_training_examples(world: World) -> None:
    case = clinic_case(world)
    correct_signal(agent=world.agent, case=case, signal="upset", value=True)
    assert len(retrain.corrected_examples().examples) == 1
    erase_customer(customer=world.customer, by=world.supervisor, via="test")
    corrected = retrain.corrected_examples()
    assert corrected.examples == [] and corrected.corrections == 0
