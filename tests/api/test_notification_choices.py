"""GET/PUT /agents/me/notifications: an agent's email-notification choices per kind."""

from __future__ import annotations

from typing import Any

from rapport.people.models import NoticeKind, NotificationChoice
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World

KINDS = ["assigned", "customer_wrote", "promise_due", "make_good_approval"]


def test_every_kind_is_off_until_chosen(world: World, api: ApiClient) -> None:
    body = api.get("/agents/me/notifications").json()
    assert [c["kind"] for c in body["choices"]] == KINDS
    assert all(c["email"] is False and c["even_off_shift"] is False for c in body["choices"])
    assert body["choices"][0]["label"] == "A case is assigned to you"


def test_put_sets_the_kinds_listed_and_keeps_the_others(world: World, api: ApiClient) -> None:
    first = api.put(
        "/agents/me/notifications",
        {"choices": [{"kind": "assigned", "email": True, "even_off_shift": True}]},
    )
    assert first.status_code == 200
    second = api.put(
        "/agents/me/notifications", {"choices": [{"kind": "customer_wrote", "email": True}]}
    ).json()
    chosen = {c["kind"]: (c["email"], c["even_off_shift"]) for c in second["choices"]}
    assert chosen == {
        "assigned": (True, True),
        "customer_wrote": (True, False),
        "promise_due": (False, False),
        "make_good_approval": (False, False),
    }
    assert api.get("/agents/me/notifications").json() == second
    # Only Ana's choices changed.
    assert set(NotificationChoice.objects.values_list("agent_id", flat=True)) == {world.agent.pk}


def test_switching_on_again_mails_only_from_then(world: World, api: ApiClient) -> None:
    api.put("/agents/me/notifications", {"choices": [{"kind": "assigned", "email": True}]})
    first = NotificationChoice.objects.get(kind=NoticeKind.ASSIGNED).email_since
    api.put("/agents/me/notifications", {"choices": [{"kind": "assigned", "email": False}]})
    api.put("/agents/me/notifications", {"choices": [{"kind": "assigned", "email": True}]})
    again = NotificationChoice.objects.get(kind=NoticeKind.ASSIGNED).email_since
    assert first is not None and again is not None and again > first


def test_an_unknown_kind_is_refused_and_nothing_changes(world: World, api: ApiClient) -> None:
    response = api.put(
        "/agents/me/notifications",
        {
            "choices": [
                {"kind": "assigned", "email": True},
                {"kind": "weather", "email": True},
            ]
        },
    )
    assert_error(response, 422, "validation_error")
    assert not NotificationChoice.objects.exists()


def test_each_agent_has_their_own(world: World, api_as: Any) -> None:
    api_as(world.supervisor).put(
        "/agents/me/notifications", {"choices": [{"kind": "make_good_approval", "email": True}]}
    )
    mine = api_as(world.agent).get("/agents/me/notifications").json()
    assert all(c["email"] is False for c in mine["choices"])


def test_anonymous_is_refused(world: World) -> None:
    assert_error(ApiClient(None).get("/agents/me/notifications"), 401, "unauthorized")
    assert_error(
        ApiClient(None).put("/agents/me/notifications", {"choices": []}), 401, "unauthorized"
    )
    assert not NotificationChoice.objects.exists()
