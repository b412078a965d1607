"""/agents and /agents/me."""

from __future__ import annotations

from typing import Any

from rapport.people.actions.agents import create_agent
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World


def test_lists_active_agents_with_their_teams(world: World, api: ApiClient) -> None:
    gone = create_agent(username="gone", display_name="Gone Agent", password=None)
    gone.user.is_active = False
    gone.user.save(update_fields=["is_active"])
    body = api.get("/agents").json()
    names = [a["display_name"] for a in body["items"]]
    assert names == ["Dr. Ana Ortiz", "Dr. Ben Hale", "Olga Dent", "Sam Reyes"]
    ana = body["items"][0]
    assert ana["teams"] == [{"id": world.clinic.pk, "name": "Clinic", "slug": "clinic"}]
    assert ana["site"]["timezone"] == "Europe/Madrid"
    assert body["next"] is None


def test_agents_page(world: World, api: ApiClient) -> None:
    first = api.get("/agents", limit=3).json()
    assert len(first["items"]) == 3 and first["next"]
    rest = api.get("/agents", limit=3, cursor=first["next"]).json()
    assert [a["display_name"] for a in rest["items"]] == ["Sam Reyes"]
    assert rest["next"] is None


def test_me(world: World, api_as: Any) -> None:
    body = api_as(world.supervisor).get("/agents/me").json()
    assert body["username"] == "sam" and body["is_supervisor"] is True


def test_anonymous_is_refused(world: World) -> None:
    assert_error(ApiClient(None).get("/agents"), 401, "unauthorized")
    assert_error(ApiClient(None).get("/agents/me"), 401, "unauthorized")
