"""Cases with something for triage to read, for the corrections' tests."""

from __future__ import annotations

from rapport.cases.models import Case
from rapport.routing.actions.opening import open_case
from tests.conftest import World

URGENT = "My dog is bleeding heavily and can't stand, please help now!"
CALM = "Could you tell me your opening hours next week? No rush."


def clinic_case(world: World, text: str = URGENT) -> Case:
    """A clinic case Ana owns that begins with the customer's `text`, triaged."""
    return open_case(
        customer=world.customer,
        subject="Help",
        channel="email",
        text=text,
        by=None,
        owner=world.agent,
        team=world.clinic,
    )
