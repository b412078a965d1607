"""/customers: list and search, create, read, update, identities, notes, assets, merge."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.people.actions.customers import create_customer
from rapport.people.models import Customer, CustomerEvent, Identity
from rapport.routing.actions.opening import open_case
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World, dental_case


def test_lists_only_customers_the_agent_serves(world: World, api: ApiClient, api_as: Any) -> None:
    create_customer(name="Dental Patient", by=world.outsider, owner=world.outsider)
    body = api.get("/customers").json()
    assert [c["name"] for c in body["items"]] == ["Maria Lopez"]
    assert body["next"] is None
    maria = body["items"][0]
    assert maria["owner"] == {"id": world.colleague.pk, "display_name": "Dr. Ben Hale"}
    assert {(i["kind"], i["value"]) for i in maria["identities"]} == {
        ("email", "maria.lopez@example.com"),
        ("phone", "+34612345678"),
    }
    outsider_sees = api_as(world.outsider).get("/customers").json()["items"]
    assert [c["name"] for c in outsider_sees] == ["Dental Patient"]


@pytest.mark.parametrize(
    "q", ["maria", "LOPEZ", "maria.lopez@example", "Maria.Lopez@Example.com", "+34 612 345 678"]
)
def test_search_by_name_or_address(world: World, api: ApiClient, q: str) -> None:
    create_customer(name="Tom Berg", by=world.agent, owner=world.agent)
    assert [c["name"] for c in api.get("/customers", q=q).json()["items"]] == ["Maria Lopez"]


def test_pagination_walks_every_customer_once(world: World, api: ApiClient) -> None:
    for n in range(7):
        create_customer(name=f"Customer {n}", by=world.agent, owner=world.agent)
    create_customer(name="Customer 3", by=world.agent, owner=world.agent)  # same name, two people
    seen: list[int] = []
    cursor: str | None = None
    pages = 0
    while True:
        query: dict[str, Any] = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        body = api.get("/customers", **query).json()
        seen += [c["id"] for c in body["items"]]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            break
    assert pages == 3
    assert len(seen) == len(set(seen)) == 9
    names = [Customer.objects.get(pk=pk).name for pk in seen]
    assert names == sorted(names)


def test_a_forged_cursor_is_400(world: World, api: ApiClient) -> None:
    assert_error(api.get("/customers", cursor="not-a-cursor"), 400, "bad_request", field="cursor")


def test_create_with_identities(world: World, api: ApiClient) -> None:
    response = api.post(
        "/customers",
        {
            "name": "Lena Fischer",
            "preferred_name": "Lena",
            "timezone": "Europe/Berlin",
            "language": "de",
            "preferred_channel": "phone",
            "organization": "Fischer Instruments",
            "identities": [
                {"kind": "email", "value": "Lena@Fischer.example"},
                {"kind": "phone", "value": "+49 30 901820"},
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["organization"] == "Fischer Instruments"
    assert body["preferred_channel"] == "phone"
    assert {i["value"] for i in body["identities"]} == {"lena@fischer.example", "+4930901820"}
    # Whoever records a customer knows them, unless told otherwise.
    assert body["owner"]["id"] == world.agent.pk
    assert body["rapport_notes"] == [] and body["assets"] == [] and body["open_cases"] == []
    assert api.get(f"/customers/{body['id']}").status_code == 200
    assert CustomerEvent.objects.filter(customer_id=body["id"], kind="created").exists()


@pytest.mark.parametrize(
    ("identity", "words"),
    [
        ({"kind": "email", "value": "maria@@example"}, "not an email address"),
        ({"kind": "email", "value": "no-at-sign.example.com"}, "not an email address"),
        ({"kind": "phone", "value": "12"}, "phone number"),
        ({"kind": "phone", "value": "call me maybe"}, "not a phone number"),
    ],
)
def test_malformed_email_or_phone_is_400_with_a_clear_message(
    world: World, api: ApiClient, identity: dict[str, str], words: str
) -> None:
    response = api.post("/customers", {"name": "Someone", "identities": [identity]})
    error = assert_error(response, 400, "bad_request", field="identities")
    assert words in error["message"]
    assert identity["value"] in error["message"]
    assert not Customer.objects.filter(name="Someone").exists()


def test_more_identities_than_one_request_may_give_are_refused(
    world: World, api: ApiClient, settings: Any
) -> None:
    settings.RAPPORT_MAX_IDENTITIES_PER_REQUEST = 3
    identities = [{"kind": "email", "value": f"bulk{n}@example.org"} for n in range(4)]
    response = api.post("/customers", {"name": "Bulk", "identities": identities})
    error = assert_error(response, 400, "bad_request", field="identities")
    assert error["message"] == "At most 3 identities can be given at once; 4 were given."
    assert not Customer.objects.filter(name="Bulk").exists()
    assert not Identity.objects.filter(value__startswith="bulk").exists()
    response = api.post("/customers", {"name": "Bulk", "identities": identities[:3]})
    assert response.status_code == 201


def test_an_address_of_another_customer_is_refused(world: World, api: ApiClient) -> None:
    response = api.post(
        "/customers",
        {"name": "Maria L.", "identities": [{"kind": "email", "value": "maria.lopez@example.com"}]},
    )
    error = assert_error(response, 400, "bad_request", field="identities")
    assert "merge" in error["message"]


def test_an_unknown_time_zone_is_422(world: World, api: ApiClient) -> None:
    response = api.post("/customers", {"name": "Kim", "timezone": "Mars/Olympus"})
    error = assert_error(response, 422, "validation_error", field="timezone")
    assert "Mars/Olympus" in error["message"]


def test_detail_has_identities_relationship_notes_assets_and_open_cases(
    world: World, api: ApiClient
) -> None:
    api.post(f"/customers/{world.customer.pk}/notes", {"text": "Puppy Mila, 10-week yellow lab"})
    body = api.get(f"/customers/{world.customer.pk}").json()
    assert body["deputy"]["display_name"] == "Dr. Ana Ortiz"
    assert [n["text"] for n in body["rapport_notes"]] == ["Puppy Mila, 10-week yellow lab"]
    assert [c["id"] for c in body["open_cases"]] == [world.case.pk]
    assert body["created_at"].endswith("Z")


def test_the_outsider_gets_the_same_404_as_for_a_missing_customer(
    world: World, api_as: Any
) -> None:
    outsider = api_as(world.outsider)
    hidden = assert_error(outsider.get(f"/customers/{world.customer.pk}"), 404, "not_found")
    missing = assert_error(outsider.get("/customers/999999"), 404, "not_found")
    assert hidden == missing
    for method, path, body in [
        ("patch", "", {"name": "Hacked"}),
        ("post", "/identities", {"kind": "email", "value": "x@example.com"}),
        ("post", "/notes", {"text": "x"}),
        ("post", "/assets", {"name": "x"}),
        ("put", "/relationship", {"owner_id": world.outsider.pk, "deputy_id": None}),
        ("get", "/timeline", None),
    ]:
        url = f"/customers/{world.customer.pk}{path}"
        response = outsider.request(method, url, body)
        assert_error(response, 404, "not_found")
    world.customer.refresh_from_db()
    assert world.customer.name == "Maria Lopez"
    assert world.customer.owner_id == world.colleague.pk


def test_patch_changes_only_what_is_sent(world: World, api: ApiClient) -> None:
    response = api.patch(
        f"/customers/{world.customer.pk}", {"preferred_name": "Mari", "preferred_channel": "sms"}
    )
    assert response.status_code == 200, response.content
    world.customer.refresh_from_db()
    assert world.customer.preferred_name == "Mari"
    assert world.customer.preferred_channel == "sms"
    assert world.customer.name == "Maria Lopez"
    event = CustomerEvent.objects.filter(customer=world.customer, kind="updated").get()
    assert event.data["after"] == {"preferred_name": "Mari", "preferred_channel": "sms"}


def test_patch_refuses_nulls_and_blank_names(world: World, api: ApiClient) -> None:
    url = f"/customers/{world.customer.pk}"
    error = assert_error(api.patch(url, {"name": None}), 422, "validation_error", field=None)
    assert error["message"] == "name cannot be null; leave it out to keep it"
    assert_error(api.patch(url, {"name": ""}), 422, "validation_error", field="name")


def test_add_and_remove_identity(world: World, api: ApiClient) -> None:
    url = f"/customers/{world.customer.pk}/identities"
    response = api.post(url, {"kind": "social", "value": "x:@MariaL"})
    assert response.status_code == 201, response.content
    identity = response.json()
    assert identity["value"] == "x:marial" and identity["is_primary"] is True
    bad = api.post(url, {"kind": "phone", "value": "not a number"})
    assert_error(bad, 400, "bad_request", field="identities")
    assert api.delete(f"{url}/{identity['id']}").status_code == 204
    assert not Identity.objects.filter(pk=identity["id"]).exists()
    assert_error(api.delete(f"{url}/{identity['id']}"), 404, "not_found")


def test_cannot_remove_another_customers_identity_through_this_one(
    world: World, api: ApiClient
) -> None:
    other = create_customer(
        name="Tom Berg",
        by=world.agent,
        owner=world.agent,
        identities=[("email", "tom@example.com")],
    )
    identity = other.identities.get()
    response = api.delete(f"/customers/{world.customer.pk}/identities/{identity.pk}")
    assert_error(response, 404, "not_found")
    assert Identity.objects.filter(pk=identity.pk).exists()


def test_rapport_note(world: World, api: ApiClient) -> None:
    url = f"/customers/{world.customer.pk}/notes"
    response = api.post(url, {"text": "Prefers a call after 6 pm"})
    assert response.status_code == 201
    note = response.json()
    assert note["pinned"] is True
    assert note["author"]["id"] == world.agent.pk
    assert_error(api.post(url, {"text": "   "}), 400, "bad_request", field="text")
    assert_error(api.post(url, {"text": "x" * 501}), 422, "validation_error", field="text")


def test_asset_with_free_form_attributes(world: World, api: ApiClient) -> None:
    response = api.post(
        f"/customers/{world.customer.pk}/assets",
        {
            "name": "Cello case",
            "kind": "instrument case",
            "reference": "ORD-1042",
            "attributes": {"length_cm": 137, "wheels": True},
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["attributes"] == {"length_cm": 137, "wheels": True}
    detail = api.get(f"/customers/{world.customer.pk}").json()
    assert [a["reference"] for a in detail["assets"]] == ["ORD-1042"]


def test_relationship(world: World, api: ApiClient) -> None:
    url = f"/customers/{world.customer.pk}/relationship"
    response = api.put(url, {"owner_id": world.agent.pk, "deputy_id": world.colleague.pk})
    assert response.status_code == 200
    assert response.json()["owner"]["id"] == world.agent.pk
    assert response.json()["deputy"]["id"] == world.colleague.pk
    same = api.put(url, {"owner_id": world.agent.pk, "deputy_id": world.agent.pk})
    assert_error(same, 400, "bad_request", field="deputy")
    unknown = api.put(url, {"owner_id": 999999, "deputy_id": None})
    assert_error(unknown, 400, "bad_request", field="owner_id")


def test_another_team_cannot_take_over_the_relationship(world: World, api_as: Any) -> None:
    dental_case(world)  # Olga serves Maria through one dental case, and only that one
    url = f"/customers/{world.customer.pk}/relationship"
    taken = api_as(world.outsider).put(url, {"owner_id": world.outsider.pk, "deputy_id": None})
    assert_error(taken, 403, "forbidden", field="owner")
    assert Customer.objects.get(pk=world.customer.pk).owner == world.colleague


def test_another_team_cannot_merge_a_customer_into_its_own(world: World, api_as: Any) -> None:
    dental_case(world)  # Olga serves Maria through one dental case, and only that one
    olga = api_as(world.outsider)
    mine = olga.post("/customers", {"name": "M. Lopez", "owner_id": world.outsider.pk}).json()
    refused = olga.post(f"/customers/{world.customer.pk}/merge", {"into": mine["id"]})
    assert_error(refused, 403, "forbidden")
    assert Customer.objects.get(pk=world.customer.pk).merged_into_id is None


def test_merge_moves_everything_onto_the_survivor(world: World, api: ApiClient) -> None:
    duplicate = create_customer(
        name="M. Lopez", by=world.agent, identities=[("phone", "+34 699 111 222")]
    )
    open_case(
        customer=duplicate, subject="Refill", channel="sms", text="Refill please", by=world.agent
    )
    response = api.post(f"/customers/{duplicate.pk}/merge", {"into": world.customer.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == world.customer.pk
    assert "+34699111222" in {i["value"] for i in body["identities"]}
    assert len(body["open_cases"]) == 2
    assert_error(api.get(f"/customers/{duplicate.pk}"), 404, "not_found")
    missing = api.post(f"/customers/{world.customer.pk}/merge", {"into": 999999})
    assert_error(missing, 400, "bad_request", field="into")
    itself = api.post(f"/customers/{world.customer.pk}/merge", {"into": world.customer.pk})
    assert_error(itself, 400, "bad_request")
