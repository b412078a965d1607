"""POST /cases with a first entry other than the customer's message: our message to them
(queued through the outbox), or a call they made or we made."""

from __future__ import annotations

from typing import Any

from rapport.cases.models import Call, Case, DeliveryStatus, Direction, Message
from rapport.people.actions.customers import create_customer
from rapport.people.models import Customer
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World


def test_a_case_opened_with_the_call_the_customer_made(world: World, api: ApiClient) -> None:
    response = api.post(
        "/cases",
        {
            "customer": {"kind": "phone", "value": "+34 699 12 34 56", "name": "Lucia Gomez"},
            "first_entry": "inbound_call",
            "text": "Puppy coughing badly tonight",
            "call": {"outcome": "reached", "duration_seconds": 300, "phone": "+34699123456"},
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["origin_channel"] == "phone" and body["owner"]["id"] in (
        world.agent.pk,
        world.colleague.pk,
    )
    assert body["first_response_at"] is not None  # the call reached them
    call = Call.objects.get(case_id=body["id"])
    assert (call.direction, call.duration_seconds, call.agent) == ("inbound", 300, world.agent)
    detail = api.get(f"/cases/{body['id']}").json()
    assert [c["direction"] for c in detail["calls"]] == ["inbound"]
    assert detail["messages"][0]["text"] == "Puppy coughing badly tonight"


def test_a_case_opened_with_our_message_says_queued(world: World, api: ApiClient) -> None:
    response = api.post(
        "/cases",
        {
            "customer_id": world.customer.pk,
            "first_entry": "outbound_message",
            "subject": "Lab results",
            "text": "All clear for Mila.",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "waiting_customer" and body["first_response_due_at"] is None
    sent = Message.objects.get(case_id=body["id"], direction=Direction.OUTBOUND)
    assert sent.delivery_status == DeliveryStatus.QUEUED and sent.channel == "email"
    detail = api.get(f"/cases/{body['id']}").json()
    assert [m["delivery_status"] for m in detail["messages"] if m["direction"] == "out"] == [
        "queued"
    ]


def test_a_message_nothing_can_carry_is_refused_and_nothing_is_kept(
    world: World, api: ApiClient
) -> None:
    response = api.post(
        "/cases",
        {
            "customer": {"kind": "phone", "value": "+34 600 111 222", "name": "Pedro"},
            "first_entry": "outbound_message",
            "text": "Hello",
        },
    )
    error = assert_error(response, 400, "bad_request", field="channel")
    assert "+34600111222" in error["message"]
    assert not Customer.objects.filter(name="Pedro").exists()
    assert Case.objects.count() == 1


def test_an_outbound_call(world: World, api: ApiClient) -> None:
    response = api.post(
        "/cases",
        {
            "customer_id": world.customer.pk,
            "first_entry": "outbound_call",
            "text": "No answer; will try tomorrow.",
            "call": {"outcome": "no_answer"},
        },
    )
    assert response.status_code == 201, response.content
    call = Call.objects.get(case_id=response.json()["id"])
    assert (call.direction, call.outcome, call.notes) == (
        "outbound",
        "no_answer",
        "No answer; will try tomorrow.",
    )


def test_mismatched_first_entries_are_refused(world: World, api: ApiClient) -> None:
    maria = {"customer_id": world.customer.pk, "text": "hi"}
    assert_error(api.post("/cases", maria), 400, "bad_request", field="channel")
    call_on_email = {**maria, "first_entry": "inbound_call", "channel": "email"}
    assert_error(api.post("/cases", call_on_email), 400, "bad_request", field="channel")
    call_details = {**maria, "channel": "email", "call": {"outcome": "reached"}}
    assert_error(api.post("/cases", call_details), 400, "bad_request", field="call")
    unknown = {**maria, "first_entry": "telepathy"}
    assert_error(api.post("/cases", unknown), 422, "validation_error")
    assert Case.objects.count() == 1


def test_customer_matches_find_a_number_typed_any_way(world: World, api_as: Any) -> None:
    ana = api_as(world.agent)
    body = ana.get("/customers/matches", phone="+34 612-345-678").json()
    assert body == {
        "found": [
            {
                "customer": {
                    "id": world.customer.pk,
                    "name": "Maria Lopez",
                    "preferred_name": "Maria",
                },
                "why": ["phone +34612345678"],
            }
        ],
        "taken": [],
    }
    # Another team's agent learns only that the number is taken, never whose it is.
    olga = api_as(world.outsider).get(
        "/customers/matches", phone="+34612345678", name="Maria Lopez"
    )
    assert olga.json() == {"found": [], "taken": ["phone +34612345678"]}
    assert_error(ana.get("/customers/matches", name="x" * 201), 422, "validation_error")


def test_a_customer_the_matches_offer_can_be_named_by_id(world: World, api_as: Any) -> None:
    walk_in = create_customer(name="Walk In", by=None, identities=[("phone", "+34 600 000 001")])
    olga = api_as(world.outsider)
    found = olga.get("/customers/matches", phone="+34600000001").json()["found"]
    assert [m["customer"]["id"] for m in found] == [walk_in.pk]
    response = olga.post(
        "/cases", {"customer_id": walk_in.pk, "first_entry": "inbound_call", "text": "Hello"}
    )
    assert response.status_code == 201, response.content
    # Maria is served by the clinic: her id names nobody Olga may file for.
    maria = olga.post(
        "/cases", {"customer_id": world.customer.pk, "first_entry": "inbound_call", "text": "Hi"}
    )
    assert_error(maria, 400, "bad_request", field="customer_id")
