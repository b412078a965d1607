"""/customers/{id}/timeline: messages, calls and key changes across cases, paged, no N+1."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.cases.actions.messages import add_note, log_call, reply
from rapport.routing.actions.opening import open_case
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World


def _add_history(world: World, n: int) -> None:
    for i in range(n):
        case = open_case(
            customer=world.customer,
            subject=f"Question {i}",
            channel="email",
            text=f"Question number {i}",
            by=world.agent,
        )
        reply(case=case, text=f"Answer {i}", by=world.agent)
        add_note(case=case, text=f"Note {i}", by=world.colleague)
        log_call(case=case, by=world.agent, direction="outbound", outcome="reached")


def test_entries_of_every_kind_newest_first(world: World, api: ApiClient) -> None:
    log_call(case=world.case, by=world.agent, direction="outbound", outcome="reached", notes="ok")
    reply(case=world.case, text="Honey in warm water.", by=world.agent)
    body = api.get(f"/customers/{world.customer.pk}/timeline").json()
    kinds = {entry["kind"] for entry in body["items"]}
    assert kinds == {"message", "call", "event"}
    times = [entry["at"] for entry in body["items"]]
    assert times == sorted(times, reverse=True)
    newest = body["items"][0]
    assert newest["kind"] == "message"
    assert newest["message"]["direction"] == "out"
    assert newest["message"]["text"].endswith("— Dr. Ana Ortiz\nNight Clinic · +34 911 234 567")
    call = next(e for e in body["items"] if e["kind"] == "call")["call"]
    assert call["agent"]["id"] == world.agent.pk and call["notes"] == "ok"
    event = next(e for e in body["items"] if e["kind"] == "event")["event"]
    assert event["kind"] == "opened"


def test_paging_returns_every_entry_exactly_once(world: World, api: ApiClient) -> None:
    _add_history(world, 4)
    url = f"/customers/{world.customer.pk}/timeline"
    everything = api.get(url, limit=200).json()
    assert everything["next"] is None
    expected = [
        (e["kind"], (e["message"] or e["call"] or e["event"])["id"]) for e in everything["items"]
    ]
    walked: list[tuple[str, int]] = []
    cursor: str | None = None
    while True:
        query: dict[str, Any] = {"limit": 4} | ({"cursor": cursor} if cursor else {})
        body = api.get(url, **query).json()
        assert 0 < len(body["items"]) <= 4
        walked += [
            (e["kind"], (e["message"] or e["call"] or e["event"])["id"]) for e in body["items"]
        ]
        cursor = body["next"]
        if cursor is None:
            break
    assert sorted(walked) == sorted(expected)
    assert len(walked) == len(set(walked))


def test_entries_sharing_a_moment_stay_on_one_page(world: World, api: ApiClient) -> None:
    # open_case writes the message and the "opened" event at the same instant.
    moment = timezone.now() - timedelta(hours=1)
    open_case(
        customer=world.customer,
        subject="Same instant",
        channel="email",
        text="hello",
        by=world.agent,
        received_at=moment,
    )
    url = f"/customers/{world.customer.pk}/timeline"
    total = len(api.get(url, limit=200).json()["items"])
    seen = 0
    cursor: str | None = None
    while True:
        query: dict[str, Any] = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        body = api.get(url, **query).json()
        seen += len(body["items"])
        cursor = body["next"]
        if cursor is None:
            break
    assert seen == total


def test_query_count_does_not_grow_with_history(world: World, api: ApiClient) -> None:
    url = f"/customers/{world.customer.pk}/timeline"
    api.get(url)  # first use stamps the token
    _add_history(world, 2)
    with CaptureQueriesContext(connection) as small:
        assert api.get(url).status_code == 200
    _add_history(world, 8)
    with CaptureQueriesContext(connection) as large:
        body = api.get(url).json()
    assert len(body["items"]) > 30
    assert len(large) == len(small) <= 9, [q["sql"] for q in large]


def test_outsider_and_anonymous_are_refused(world: World, api_as: Any) -> None:
    url = f"/customers/{world.customer.pk}/timeline"
    assert_error(api_as(world.outsider).get(url), 404, "not_found")
    assert_error(ApiClient(None).get(url), 401, "unauthorized")
