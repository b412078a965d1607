"""GET /cases?q= and /customers?q= find what the inbox and customer list find, and say why."""

from __future__ import annotations

from rapport.cases.actions.messages import log_call
from rapport.people.actions.customers import create_customer
from tests.api.conftest import ApiClient
from tests.conftest import World


def test_cases_found_by_call_notes_with_why(world: World, api: ApiClient) -> None:
    log_call(
        case=world.case, by=world.agent, direction="inbound", outcome="reached",
        notes="Asked about the antibiotics dose.",
    )  # fmt: skip
    body = api.get("/cases", q="antibiotics").json()
    assert [c["id"] for c in body["items"]] == [world.case.pk]
    assert body["matches"] == [
        {
            "id": world.case.pk,
            "field": "call",
            "label": "Call notes",
            "text": "Asked about the antibiotics dose.",
            "highlights": [{"start": 16, "end": 27}],
        }
    ]


def test_cases_found_by_a_phone_typed_any_way(world: World, api: ApiClient) -> None:
    for typed in ("612 345 678", "0034 612-345-678", "+34 612 345 678"):
        body = api.get("/cases", q=typed).json()
        assert [c["id"] for c in body["items"]] == [world.case.pk], typed
        assert [(m["field"], m["text"]) for m in body["matches"]] == [("phone", "+34612345678")]


def test_no_matches_without_q(world: World, api: ApiClient) -> None:
    assert api.get("/cases").json()["matches"] == []
    assert api.get("/customers").json()["matches"] == []


def test_customers_found_by_organisation_handle_and_phone(world: World, api: ApiClient) -> None:
    jo = create_customer(
        name="Jo Quinn", by=world.agent, owner=world.agent, organization="Northwind Labs",
        identities=[("social", "x:@jo_quinn"), ("phone", "+1 647 555 0142")],
    )  # fmt: skip
    for typed, field, text in [
        ("northwind", "organization", "Northwind Labs"),
        ("@jo_quinn", "social", "x:jo_quinn"),
        ("+1 647 555 0142", "phone", "+16475550142"),
        ("(647) 555-0142", "phone", "+16475550142"),
    ]:
        body = api.get("/customers", q=typed).json()
        assert [c["id"] for c in body["items"]] == [jo.pk], typed
        assert (field, text) in [(m["field"], m["text"]) for m in body["matches"]], typed
        assert {m["id"] for m in body["matches"]} == {jo.pk}


def test_other_teams_find_nothing(world: World, api_as: object) -> None:
    outsider: ApiClient = api_as(world.outsider)  # type: ignore[operator]
    assert outsider.get("/cases", q="612 345 678").json() == {
        "items": [], "next": None, "matches": []
    }  # fmt: skip
    assert outsider.get("/customers", q="lopez").json()["items"] == []
