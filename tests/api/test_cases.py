"""/cases: list with filters and search, open with an inbound message, read one case."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.cases.actions.messages import log_call, reply
from rapport.cases.actions.status import change_status
from rapport.cases.models import Case, Direction, Message
from rapport.people.actions.customers import create_customer
from rapport.people.models import Customer, Identity
from rapport.routing.actions.opening import open_case
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World


def _cases(world: World, n: int, **kwargs: Any) -> list[Case]:
    return [
        open_case(
            customer=world.customer,
            subject=f"Case {i}",
            channel="email",
            text=f"Message {i}",
            by=world.agent,
            team=world.clinic,
            **kwargs,
        )
        for i in range(n)
    ]


def test_lists_visible_cases_most_recent_first(world: World, api: ApiClient, api_as: Any) -> None:
    newer = _cases(world, 1)[0]
    dental_customer = create_customer(name="Dental Patient", by=world.outsider)
    open_case(
        customer=dental_customer,
        subject="Toothache",
        channel="phone",
        text="It hurts",
        by=world.outsider,
        team=world.dental,
    )
    body = api.get("/cases").json()
    assert [c["id"] for c in body["items"]] == [newer.pk, world.case.pk]
    assert body["next"] is None
    first = body["items"][1]
    assert first["customer"] == {
        "id": world.customer.pk,
        "name": "Maria Lopez",
        "preferred_name": "Maria",
    }
    assert first["team"]["slug"] == "clinic"
    assert "open" in first["allowed_statuses"]
    outsider = api_as(world.outsider).get("/cases").json()
    assert [c["subject"] for c in outsider["items"]] == ["Toothache"]


def test_filters(world: World, api: ApiClient) -> None:
    urgent = _cases(world, 1, priority="urgent")[0]
    change_status(case=urgent, to="open", by=world.agent)
    theirs = open_case(
        customer=world.customer,
        subject="Ben's case",
        channel="chat",
        text="hi",
        by=world.colleague,
        owner=world.colleague,
        team=world.clinic,
    )

    def ids(**query: Any) -> set[int]:
        response = api.get("/cases", **query)
        assert response.status_code == 200, response.content
        return {c["id"] for c in response.json()["items"]}

    assert ids(status="open") == {urgent.pk}
    assert ids(status=["open", "new"]) == {urgent.pk, world.case.pk, theirs.pk}
    assert ids(priority="urgent") == {urgent.pk}
    assert ids(owner="me") == {urgent.pk, world.case.pk}
    assert ids(owner=str(world.colleague.pk)) == {theirs.pk}
    assert ids(owner="none") == set()
    assert ids(team=world.dental.pk) == set()
    assert ids(customer=world.customer.pk) == {urgent.pk, world.case.pk, theirs.pk}
    assert_error(api.get("/cases", owner="someone"), 400, "bad_request", field="owner")


def test_search(world: World, api: ApiClient) -> None:
    _cases(world, 2)
    body = api.get("/cases", q="coughing").json()
    assert [c["id"] for c in body["items"]] == [world.case.pk]


def test_pagination_walks_every_case_once_even_with_equal_times(
    world: World, api: ApiClient
) -> None:
    cases = _cases(world, 6)
    # Cases touched in the same instant must still be paged without loss or repeats.
    Case.objects.filter(pk__in=[c.pk for c in cases[:4]]).update(updated_at=cases[0].updated_at)
    seen: list[int] = []
    cursor: str | None = None
    while True:
        query: dict[str, Any] = {"limit": 2, "status": "new"} | (
            {"cursor": cursor} if cursor else {}
        )
        body = api.get("/cases", **query).json()
        seen += [c["id"] for c in body["items"]]
        cursor = body["next"]
        if cursor is None:
            break
    assert sorted(seen) == sorted([world.case.pk, *(c.pk for c in cases)])
    assert len(seen) == len(set(seen))


def test_list_query_count_does_not_grow_with_rows(world: World, api: ApiClient) -> None:
    api.get("/cases")  # first use stamps the token
    _cases(world, 2)
    with CaptureQueriesContext(connection) as small:
        assert api.get("/cases").status_code == 200
    _cases(world, 20)
    with CaptureQueriesContext(connection) as large:
        assert len(api.get("/cases").json()["items"]) == 23
    assert len(large) == len(small) <= 3, [q["sql"] for q in large]


def test_open_a_case_for_a_known_customer(world: World, api: ApiClient) -> None:
    response = api.post(
        "/cases",
        {
            "customer_id": world.customer.pk,
            "subject": "Mila not eating",
            "channel": "email",
            "text": "She skipped breakfast.",
            "html": "<p>She skipped <b>breakfast</b>.<script>alert(1)</script></p>",
            "priority": "high",
            "tags": ["Puppy", "diet"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["priority"] == "high" and body["tags"] == ["diet", "puppy"]
    assert body["owner"] is not None
    message = Message.objects.get(case_id=body["id"])
    assert message.direction == Direction.INBOUND
    assert "<script>" not in message.html


def test_open_a_case_finds_or_creates_the_customer_by_address(world: World, api: ApiClient) -> None:
    known = api.post(
        "/cases",
        {
            "customer": {"kind": "email", "value": "MARIA.LOPEZ@example.com", "name": "M"},
            "channel": "email",
            "text": "Another question",
        },
    )
    assert known.status_code == 201, known.content
    assert known.json()["customer"]["id"] == world.customer.pk
    new = api.post(
        "/cases",
        {
            "customer": {"kind": "phone", "value": "+44 20 7946 0958", "name": "Ola Nordmann"},
            "channel": "phone",
            "text": "Calling about my order",
        },
    )
    assert new.status_code == 201, new.content
    created = Customer.objects.get(pk=new.json()["customer"]["id"])
    assert created.name == "Ola Nordmann"
    assert Identity.objects.filter(customer=created, value="+442079460958").exists()


def test_open_a_case_refuses_bad_input_without_leaving_anything_behind(
    world: World, api: ApiClient
) -> None:
    bad_phone = api.post(
        "/cases",
        {"customer": {"kind": "phone", "value": "555"}, "channel": "phone", "text": "hi"},
    )
    error = assert_error(bad_phone, 400, "bad_request", field="customer.value")
    assert "555" in error["message"]
    empty = api.post(
        "/cases",
        {"customer": {"kind": "email", "value": "new@example.com"}, "channel": "email", "text": ""},
    )
    assert_error(empty, 400, "bad_request", field="text")
    assert not Identity.objects.filter(value="new@example.com").exists()
    both = api.post(
        "/cases",
        {
            "customer_id": world.customer.pk,
            "customer": {"kind": "email", "value": "x@example.com"},
            "channel": "email",
            "text": "hi",
        },
    )
    assert (
        "either customer_id or customer" in assert_error(both, 422, "validation_error")["message"]
    )
    neither = api.post("/cases", {"channel": "email", "text": "hi"})
    assert_error(neither, 422, "validation_error")
    assert_error(
        api.post("/cases", {"customer_id": world.customer.pk, "channel": "fax", "text": "hi"}),
        422,
        "validation_error",
        field="channel",
    )


def test_open_a_case_for_a_customer_one_cannot_see_is_refused(world: World, api_as: Any) -> None:
    response = api_as(world.outsider).post(
        "/cases", {"customer_id": world.customer.pk, "channel": "email", "text": "hi"}
    )
    assert_error(response, 400, "bad_request", field="customer_id")
    assert Case.objects.count() == 1


def test_read_a_case_with_messages_and_calls(world: World, api: ApiClient) -> None:
    reply(case=world.case, text="Bring her in at 10.", by=world.agent)
    log_call(case=world.case, by=world.agent, direction="inbound", outcome="reached")
    body = api.get(f"/cases/{world.case.pk}").json()
    assert [m["direction"] for m in body["messages"]] == ["in", "out"]
    assert body["messages"][1]["author"]["display_name"] == "Dr. Ana Ortiz"
    assert [c["outcome"] for c in body["calls"]] == ["reached"]
    assert body["status"] == "waiting_customer"


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_the_wrong_person_cannot_read_a_case(world: World, api_as: Any, who: str) -> None:
    client = api_as(world.outsider) if who == "outsider" else ApiClient(None)
    response = client.get(f"/cases/{world.case.pk}")
    if who == "anonymous":
        assert_error(response, 401, "unauthorized")
    else:
        assert response.json() == client.get("/cases/999999").json()
        assert_error(response, 404, "not_found")


def test_read_query_count_does_not_grow_with_messages(world: World, api: ApiClient) -> None:
    url = f"/cases/{world.case.pk}"
    api.get(url)
    with CaptureQueriesContext(connection) as small:
        api.get(url)
    for i in range(10):
        reply(case=world.case, text=f"Reply {i}", by=world.agent)
        log_call(case=world.case, by=world.agent, direction="outbound", outcome="voicemail")
    with CaptureQueriesContext(connection) as large:
        assert len(api.get(url).json()["messages"]) == 11
    assert len(large) == len(small)


def test_relayed_message_is_routed_to_the_customers_own_person_with_triage(
    world: World, api: ApiClient
) -> None:
    """Story 3: the trapped chat customer gets a named human and a call, with the reasons."""
    response = api.post(
        "/cases",
        {
            "customer_id": world.customer.pk,
            "subject": "",
            "channel": "chat",
            "text": "The app deleted my invoices. I just want to talk to a real person, not a bot!",
        },
    )
    assert response.status_code == 201, response.json()
    case = Case.objects.get(pk=response.json()["id"])
    assert case.owner_id == world.colleague.pk  # the relationship owner, not the token's agent
    assert case.triage["wants_human"] is True
    assert case.triage["recommended_contact"] == "call"
    assert case.triage["signals"]["wants_human"]
    assert case.priority in ("high", "urgent")
    assert case.pickup_at is not None and case.first_response_due_at is not None
