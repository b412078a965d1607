"""A number typed without its country code is read in one region everywhere an agent types it:
the country of their site, else RAPPORT_DEFAULT_PHONE_REGION. The duplicate check and saving
agree, so what the check found is what is saved."""

from __future__ import annotations

from typing import Any

from rapport.cases.models import Call, Case
from rapport.people.models import Identity, Site
from tests.conftest import World
from tests.workspace.test_case_new import CALL


def _start(world: World, phone: str) -> Any:
    data = {**CALL, "team": str(world.clinic.pk), "phone": phone}
    return world.client_for(world.agent).post("/cases/new/", data, follow=True)


def test_a_madrid_agent_saves_a_spanish_number_typed_without_its_code(world: World) -> None:
    # Ana's site is in Spain; the desk's default region stays the US (its default).
    response = _start(world, "699 12 34 56")
    assert response.status_code == 200
    case = Case.objects.exclude(pk=world.case.pk).get()
    assert Identity.objects.get(customer=case.customer).value == "+34699123456"
    assert Call.objects.get(case=case).phone == "+34699123456"


def test_the_check_and_saving_read_a_number_in_the_same_region(world: World, settings: Any) -> None:
    # A desk whose default is Spain, and Ana moved to a site in Canada.
    settings.RAPPORT_DEFAULT_PHONE_REGION = "ES"
    toronto = Site.objects.create(name="Toronto", timezone="America/Toronto", country="CA")
    world.agent.site = toronto
    world.agent.save(update_fields=["site"])
    client = world.client_for(world.agent)
    # "612 345 678" is Maria's Spanish number; in Canada it is no number: not her.
    page = client.get("/cases/new/matches/", {"phone": "612 345 678"}).content.decode()
    assert "Maria Lopez" not in page
    response = _start(world, "647 555 0142")
    assert response.status_code == 200
    case = Case.objects.exclude(pk=world.case.pk).get()
    assert Identity.objects.get(customer=case.customer).value == "+16475550142"


def test_an_agent_without_a_site_reads_numbers_in_the_default_region(
    world: World, settings: Any
) -> None:
    settings.RAPPORT_DEFAULT_PHONE_REGION = "ES"
    client = world.client_for(world.colleague)  # Ben has no site
    page = client.get("/cases/new/matches/", {"phone": "612 345 678"}).content.decode()
    assert "Maria Lopez" in page
