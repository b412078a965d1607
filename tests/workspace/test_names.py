"""A name typed on the web (a customer's, an agent's, a business's, a team's, a saved reply's
title) cannot hold the invisible characters that override text direction: "Ana\u202egnp.exe"
would read as another name wherever it is shown."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.cases.models import Case, SavedReply
from rapport.people.models import Agent, Brand, Team
from tests.conftest import World
from tests.workspace.test_case_new import CALL

REFUSED = "Must not contain U+202E, an invisible character that changes the direction text reads in"


@pytest.mark.parametrize("override", ["\u202a", "\u202e", "\u2066", "\u2069"])
def test_every_direction_override_is_refused_in_a_business_name(
    world: World, override: str
) -> None:
    response = world.client_for(world.supervisor).post(
        "/supervisor/desk/brands/", {"name": f"Night{override} Clinic", "slug": "night2"}
    )
    assert response.status_code == 400
    assert f"U+{ord(override):04X}, an invisible character" in response.content.decode()
    assert not Brand.objects.filter(slug="night2").exists()


@pytest.mark.parametrize(
    ("who", "url", "form", "model"),
    [
        ("supervisor", "/supervisor/desk/teams/", {"name": "Ni\u202eght", "slug": "n2"}, Team),
        (
            "supervisor",
            "/supervisor/agents/invite/",
            {"name": "Lena\u202e Park", "email": "lena@clinic.example", "capacity": "8"},
            Agent,
        ),
        ("agent", "/saved-replies/new/", {"title": "Co\u202eugh", "text": "Hi"}, SavedReply),
    ],
)
def test_a_name_with_an_override_is_refused_and_kept_as_typed(
    world: World, who: str, url: str, form: dict[str, Any], model: type[Any]
) -> None:
    before = model.objects.count()
    response = world.client_for(getattr(world, who)).post(url, form, follow=True)
    page = response.content.decode()
    assert REFUSED in page
    assert model.objects.count() == before


def test_a_new_customer_named_with_an_override_is_refused(world: World) -> None:
    before = Case.objects.count()
    data = {**CALL, "team": str(world.clinic.pk), "name": "Lucia\u202e Gomez"}
    response = world.client_for(world.agent).post("/cases/new/", data, follow=True)
    assert REFUSED in response.content.decode()
    assert Case.objects.count() == before
