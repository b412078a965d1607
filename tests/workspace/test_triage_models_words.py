"""The supervisor's triage page lists the latest corrections in a person's words, as the case
page's buttons say them ("didn't ask for a person", not "not wants a person")."""

from __future__ import annotations

from rapport.triage.actions.corrections import correct_signal
from tests.conftest import World
from tests.triage.helpers import clinic_case


def test_latest_corrections_read_as_the_buttons_say_them(world: World) -> None:
    case = clinic_case(world, "Please, I want to speak to a person about my dog's bill.")
    correct_signal(agent=world.agent, case=case, signal="wants_human", value=False)
    correct_signal(agent=world.agent, case=case, signal="compliment", value=True)
    page = world.client_for(world.supervisor).get("/supervisor/triage/").content.decode()
    assert "didn&#x27;t ask for a person" in page or "didn't ask for a person" in page
    assert "was a compliment" in page
    assert "not wants a person" not in page
