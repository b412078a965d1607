"""POST /cases by address: an agent outside a customer's team cannot reach that customer's
history by typing their address, nor file a case with people or teams they may not assign."""

from __future__ import annotations

from typing import Any

from rapport.cases.models import Case, Notification
from rapport.people.actions.agents import create_agent
from rapport.people.actions.customers import create_customer
from rapport.people.models import Customer, CustomerEvent, Identity
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import PASSWORD, World

MARIA = {"kind": "email", "value": "maria.lopez@example.com", "name": "M. Lopez"}


def _open(client: ApiClient, **body: Any) -> Any:
    return client.post("/cases", {"channel": "email", "text": "Hello", **body})


def test_another_teams_agent_typing_a_customers_address_gets_a_new_unlinked_customer(
    world: World, api_as: Any
) -> None:
    olga = api_as(world.outsider)
    response = _open(olga, customer=MARIA, subject="Whose cat?")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["customer"]["id"] != world.customer.pk
    assert body["customer"]["name"] == "M. Lopez"
    assert body["team"]["slug"] == "dental"
    new = Customer.objects.get(pk=body["customer"]["id"])
    # The address stays Maria's; the new record notes it, and nothing of Maria's opens for Olga.
    assert Identity.objects.get(value="maria.lopez@example.com").customer_id == world.customer.pk
    assert not new.identities.exists()
    assert CustomerEvent.objects.filter(customer=new, kind="likely_duplicate").exists()
    assert new.likely_duplicate_of_id == world.customer.pk  # flagged for a one-click merge
    assert_error(olga.get(f"/customers/{world.customer.pk}"), 404, "not_found")
    assert_error(olga.get(f"/customers/{world.customer.pk}/timeline"), 404, "not_found")
    assert_error(olga.get(f"/cases/{world.case.pk}"), 404, "not_found")
    assert olga.get(f"/cases/{body['id']}").status_code == 200
    # Maria's owner and deputy are asked whether it is the same person; Olga learns nothing.
    for person in (world.colleague, world.agent):
        note = Notification.objects.get(agent=person, kind="merge_suggestion")
        assert f"#{new.pk}" in note.text and "Maria Lopez" in note.text
    assert "Maria" not in response.content.decode()


def test_an_agent_who_serves_the_customer_opens_the_case_on_her(
    world: World, api: ApiClient
) -> None:
    response = _open(api, customer=MARIA)
    assert response.status_code == 201, response.content
    assert response.json()["customer"]["id"] == world.customer.pk
    assert not Notification.objects.filter(kind="merge_suggestion").exists()


def test_a_customer_nobody_serves_yet_is_found_by_address(world: World, api_as: Any) -> None:
    walk_in = create_customer(name="Walk In", by=None, identities=[("phone", "+34 600 000 001")])
    response = _open(api_as(world.outsider), customer={"kind": "phone", "value": "+34600000001"})
    assert response.status_code == 201, response.content
    assert response.json()["customer"]["id"] == walk_in.pk


def test_owner_and_team_must_be_ones_the_agent_may_assign(world: World, api_as: Any) -> None:
    olga = api_as(world.outsider)
    refused = _open(
        olga, customer={"kind": "email", "value": "new@example.com"}, owner_id=world.colleague.pk
    )
    assert_error(refused, 403, "forbidden", field="owner_id")
    refused = _open(
        olga, customer={"kind": "email", "value": "new@example.com"}, team_id=world.clinic.pk
    )
    assert_error(refused, 403, "forbidden", field="team_id")
    assert Case.objects.count() == 1
    assert not Customer.objects.filter(identities__value="new@example.com").exists()
    # A supervisor may file a case anywhere.
    sam = api_as(world.supervisor)
    allowed = _open(
        sam,
        customer={"kind": "email", "value": "new@example.com"},
        owner_id=world.colleague.pk,
        team_id=world.clinic.pk,
    )
    assert allowed.status_code == 201, allowed.content


def test_a_case_an_agent_opens_stays_in_their_team(world: World, api_as: Any) -> None:
    # Maria's own people are clinic; Olga's case for a new customer stays with dental.
    olga = api_as(world.outsider)
    response = _open(olga, customer={"kind": "email", "value": "tooth@example.com"})
    assert response.status_code == 201
    assert response.json()["team"]["slug"] == "dental"
    assert olga.get(f"/cases/{response.json()['id']}").status_code == 200


def test_an_agent_without_a_team_keeps_the_case_they_open(world: World, api_as: Any) -> None:
    loner = create_agent(username="lone", display_name="Lone Ranger", password=PASSWORD)
    client = api_as(loner)
    response = _open(client, customer={"kind": "email", "value": "someone@example.com"})
    assert response.status_code == 201, response.content
    assert response.json()["owner"]["id"] == loner.pk
    assert client.get(f"/cases/{response.json()['id']}").status_code == 200


def test_a_conflict_never_names_a_customer_the_agent_cannot_see(world: World, api_as: Any) -> None:
    olga = api_as(world.outsider)
    mine = olga.post("/customers", {"name": "Olga's patient"}).json()
    response = olga.post(
        f"/customers/{mine['id']}/identities",
        {"kind": "email", "value": "maria.lopez@example.com"},
    )
    error = assert_error(response, 400, "bad_request")
    assert "Maria" not in error["message"] and f"#{world.customer.pk}" not in error["message"]
    assert "another customer" in error["message"]
