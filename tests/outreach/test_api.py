"""/api/v1/outreach: stories 4 and 5 through the API, and the wrong person refused."""

from __future__ import annotations

from typing import Any

from django.test import Client

from rapport.outreach.actions.make_goods import record_make_good
from rapport.people.actions.customers import create_customer
from rapport.people.actions.notes import add_asset
from rapport.routing.actions.opening import open_case
from tests.api.conftest import ApiClient
from tests.conftest import World, dental_case
from tests.outreach.conftest import add_passenger, make_care_team, today_iso

API = "/api/v1/outreach"


def _client(world: World, agent: Any) -> tuple[Client, dict[str, str]]:
    return Client(), {"Authorization": f"Bearer {world.token_for(agent)}"}


def test_story_5_through_the_api(world: World, django_capture_on_commit_callbacks: Any) -> None:
    care, agents = make_care_team(world, size=9, capacity=20)
    for i in range(180):
        add_passenger(i, attributes={"departure_date": today_iso()} if i % 20 == 0 else None)
    boss, auth = _client(world, world.supervisor)

    created = boss.post(
        f"{API}/incidents",
        {"title": "Flight AU 482 cancelled", "team_id": care.pk, "severity": "critical"},
        content_type="application/json",
        headers=auth,
    )
    assert created.status_code == 201, created.content
    incident_id = created.json()["id"]
    added = boss.post(
        f"{API}/incidents/{incident_id}/audience",
        {"asset_reference": "AU 482"},
        content_type="application/json",
        headers=auth,
    )
    assert added.json() == {"selected": 180, "added": 180, "already": 0, "over_capacity": 0}

    board = boss.get(f"{API}/incidents/{incident_id}/board", headers=auth).json()
    assert board["total"] == 180 and board["overall"]["not_yet"] == 180
    assert board["first_tier_open"] == 9
    assert len(board["per_agent"]) == 9
    assert all(row["total"] <= row["capacity"] for row in board["per_agent"])
    assert (
        max(r["total"] for r in board["per_agent"]) - min(r["total"] for r in board["per_agent"])
        <= 1
    )

    worker, worker_auth = _client(world, agents[0])
    mine = worker.get(f"{API}/incidents/{incident_id}/tasks?mine=true", headers=worker_auth).json()[
        "items"
    ]
    assert len(mine) == 20 and all(t["owner_id"] == agents[0].pk for t in mine)
    assert [t["tier"] for t in mine] == sorted(t["tier"] for t in mine)
    first = mine[0]
    detail = worker.get(f"{API}/tasks/{first['id']}", headers=worker_auth).json()
    assert detail["phone"].startswith("+34") and "Care Agent 00" in detail["draft"]
    called = worker.post(
        f"{API}/tasks/{first['id']}/call",
        {"call_outcome": "reached", "outcome": "rebooked", "expected_status": "not_yet"},
        content_type="application/json",
        headers=worker_auth,
    )
    assert called.status_code == 200 and called.json()["status"] == "reached"
    stale = worker.post(
        f"{API}/tasks/{first['id']}/call",
        {"call_outcome": "no_answer", "expected_status": "not_yet"},
        content_type="application/json",
        headers=worker_auth,
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    board = boss.get(f"{API}/incidents/{incident_id}/board", headers=auth).json()
    assert board["overall"]["reached"] == 1 and board["outcomes"]["rebooked"] == 1

    # The wrong person: another team's agent, an agent declaring, nobody at all.
    outsider, outsider_auth = _client(world, world.outsider)
    assert outsider.get(f"{API}/incidents/{incident_id}", headers=outsider_auth).status_code == 404
    assert outsider.get(f"{API}/tasks/{first['id']}", headers=outsider_auth).status_code == 404
    assert (
        worker.post(
            f"{API}/incidents",
            {"title": "x"},
            content_type="application/json",
            headers=worker_auth,
        ).status_code
        == 403
    )
    assert Client().get(f"{API}/incidents/{incident_id}/board").status_code == 401


def test_csv_import_through_the_api(world: World, django_capture_on_commit_callbacks: Any) -> None:
    boss, auth = _client(world, world.supervisor)
    incident_id = boss.post(
        f"{API}/incidents", {"title": "Recall"}, content_type="application/json", headers=auth
    ).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        started = boss.post(
            f"{API}/incidents/{incident_id}/imports",
            {"filename": "recall.csv", "csv": "name,email\nAna,ana@example.com\nBad,nope\n"},
            content_type="application/json",
            headers=auth,
        )
    assert started.status_code == 202
    job = boss.get(f"{API}/imports/{started.json()['id']}", headers=auth).json()
    assert (job["status"], job["processed_rows"], job["added"]) == ("done", 2, 1)
    assert job["errors"][0]["line"] == 3
    outsider, outsider_auth = _client(world, world.outsider)
    assert outsider.get(f"{API}/imports/{job['id']}", headers=outsider_auth).status_code == 404


def test_story_4_the_wheels_make_good_through_the_api(world: World) -> None:
    order = add_asset(
        customer=world.customer, name="Flight case", kind="order", reference="ORD-2291", by=None
    )
    agent, auth = _client(world, world.agent)
    boss, boss_auth = _client(world, world.supervisor)
    boss.put(
        f"{API}/approval-limits",
        {"currency": "CAD", "amount": "100"},
        content_type="application/json",
        headers=boss_auth,
    )
    made = agent.post(
        f"{API}/make-goods",
        {
            "case_id": world.case.pk,
            "kind": "credit",
            "description": "Credit for the missing wheels",
            "reason": "missing part",
            "amount": "60",
            "currency": "CAD",
            "asset_id": order.pk,
        },
        content_type="application/json",
        headers=auth,
    )
    assert made.status_code == 201 and made.json()["status"] == "approved"
    on_order = agent.get(f"{API}/make-goods?asset_id={order.pk}", headers=auth).json()["items"]
    assert [(m["asset_reference"], m["amount"], m["currency"]) for m in on_order] == [
        ("ORD-2291", "60.00", "CAD")
    ]

    big = agent.post(
        f"{API}/make-goods",
        {
            "case_id": world.case.pk,
            "kind": "refund",
            "description": "Full refund",
            "reason": "missing part",
            "amount": "900",
            "currency": "CAD",
        },
        content_type="application/json",
        headers=auth,
    ).json()
    assert big["status"] == "pending"
    url = f"{API}/make-goods/{big['id']}/decision"
    assert (
        agent.post(
            url, {"approve": True}, content_type="application/json", headers=auth
        ).status_code
        == 403
    )
    decided = boss.post(
        url,
        {"approve": False, "note": "Too much"},
        content_type="application/json",
        headers=boss_auth,
    )
    assert decided.json()["status"] == "declined"
    again = boss.post(url, {"approve": True}, content_type="application/json", headers=boss_auth)
    assert again.status_code == 409

    totals = boss.get(f"{API}/make-goods/totals?period=month", headers=boss_auth).json()
    assert [(t["reason"], t["count"], t["amount"]) for t in totals["items"]] == [
        ("missing part", 1, "60.00")
    ]
    assert agent.get(f"{API}/make-goods/totals", headers=auth).status_code == 403

    outsider, outsider_auth = _client(world, world.outsider)
    assert (
        outsider.get(f"{API}/make-goods?case_id={world.case.pk}", headers=outsider_auth).status_code
        == 404
    )
    assert (
        outsider.get(f"{API}/make-goods?asset_id={order.pk}", headers=outsider_auth).status_code
        == 404
    )
    stranger = create_customer(name="Stranger", by=None)
    their = add_asset(customer=stranger, name="Order", by=None)
    refused = agent.post(
        f"{API}/make-goods",
        {
            "case_id": world.case.pk,
            "kind": "goodwill",
            "description": "x",
            "reason": "y",
            "asset_id": their.pk,
        },
        content_type="application/json",
        headers=auth,
    )
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "asset_id"
    assert Client().get(f"{API}/make-goods").status_code == 401


def test_the_make_goods_of_a_customer_are_only_those_of_cases_you_may_open(world: World) -> None:
    """Olga sees Maria through her dental case; the clinic's make-good stays the clinic's."""
    clinic_credit = record_make_good(
        case=world.case,
        by=world.agent,
        kind="goodwill",
        description="Free check-up for Mila",
        reason="long wait",
    )
    dental_case(world)
    olga = ApiClient(world.token_for(world.outsider))
    by_customer = olga.get("/outreach/make-goods", customer_id=world.customer.pk)
    assert by_customer.status_code == 200
    assert clinic_credit.pk not in [mg["id"] for mg in by_customer.json()["items"]]
    ana = ApiClient(world.token_for(world.agent))
    mine = ana.get("/outreach/make-goods", customer_id=world.customer.pk).json()["items"]
    assert [mg["id"] for mg in mine] == [clinic_credit.pk]


def test_the_make_goods_of_an_order_are_only_those_of_cases_you_may_open(world: World) -> None:
    """Olga sees Maria (and her cello case order) through her dental case; the credit the
    clinic gave on that order stays the clinic's."""
    order = add_asset(customer=world.customer, name="Cello case", reference="CC-1", by=None)
    clinic_credit = record_make_good(
        case=world.case,
        by=world.agent,
        kind="credit",
        description="Wheel kit",
        reason="missing part",
        asset=order,
    )
    dental_case(world)
    olga = ApiClient(world.token_for(world.outsider))
    by_order = olga.get("/outreach/make-goods", asset_id=order.pk)
    assert by_order.status_code == 200
    assert [mg["id"] for mg in by_order.json()["items"]] == []
    ana = ApiClient(world.token_for(world.agent))
    mine = ana.get("/outreach/make-goods", asset_id=order.pk).json()["items"]
    assert [mg["id"] for mg in mine] == [clinic_credit.pk]


def test_filters_of_make_goods_narrow_each_other(world: World) -> None:
    """A case and its customer together are that case's make-goods, not all the customer's."""
    order = add_asset(customer=world.customer, name="Cello case", reference="CC-1", by=None)
    on_this_case = record_make_good(
        case=world.case, by=world.agent, kind="goodwill", description="Tea", reason="long wait"
    )
    other_case = open_case(
        customer=world.customer,
        subject="Wheels missing",
        channel="phone",
        text="The case came without its wheels.",
        by=world.agent,
        owner=world.agent,
        team=world.clinic,
    )
    on_the_order = record_make_good(
        case=other_case,
        by=world.agent,
        kind="credit",
        description="Wheel kit",
        reason="missing part",
        asset=order,
    )
    ana = ApiClient(world.token_for(world.agent))

    def ids(**filters: Any) -> list[int]:
        response = ana.get("/outreach/make-goods", **filters)
        assert response.status_code == 200, response.json()
        return [mg["id"] for mg in response.json()["items"]]

    maria = world.customer.pk
    assert ids(customer_id=maria) == [on_the_order.pk, on_this_case.pk]
    assert ids(case_id=world.case.pk, customer_id=maria) == [on_this_case.pk]
    assert ids(case_id=world.case.pk, asset_id=order.pk) == []
    assert ids(customer_id=maria, asset_id=order.pk, status="approved") == [on_the_order.pk]
    assert ids(asset_id=order.pk, status="pending") == []
