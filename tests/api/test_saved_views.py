"""/saved-views: an agent's own named inbox filters and orders."""

from __future__ import annotations

from typing import Any

from rapport.cases.actions.saved_views import save_view
from rapport.cases.models import SavedView
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World


def test_save_list_replace_and_delete(world: World, api: ApiClient) -> None:
    response = api.post(
        "/saved-views", {"name": "Urgent first", "filters": {"view": "team", "sort": "due"}}
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created == {
        "id": created["id"],
        "name": "Urgent first",
        "filters": {"view": "team", "sort": "due"},
    }
    again = api.post("/saved-views", {"name": "Urgent first", "filters": {"sort": "waiting"}})
    assert again.json()["id"] == created["id"]
    listed = api.get("/saved-views").json()
    assert listed == {
        "items": [{"id": created["id"], "name": "Urgent first", "filters": {"sort": "waiting"}}],
        "next": None,
    }
    assert api.delete(f"/saved-views/{created['id']}").status_code == 204
    assert api.get("/saved-views").json()["items"] == []


def test_bad_filters_are_refused_naming_the_field(world: World, api: ApiClient) -> None:
    assert_error(
        api.post("/saved-views", {"name": "x", "filters": {"sort": "sideways"}}),
        400,
        "bad_request",
        field="filters",
    )
    assert_error(
        api.post("/saved-views", {"name": "x", "filters": {"after": "1_2_3"}}),
        400,
        "bad_request",
        field="filters",
    )
    assert_error(api.post("/saved-views", {"name": "   "}), 400, "bad_request", field="name")
    assert_error(api.post("/saved-views", {"filters": {}}), 422, "validation_error", field="name")
    assert not SavedView.objects.exists()


def test_another_agents_view_is_a_404_and_not_listed(world: World, api_as: Any) -> None:
    view = save_view(agent=world.agent, name="Mine", filters={"view": "mine"})
    for other in (world.colleague, world.supervisor, world.outsider):
        client = api_as(other)
        assert client.get("/saved-views").json()["items"] == []
        assert_error(client.delete(f"/saved-views/{view.pk}"), 404, "not_found")
    assert SavedView.objects.filter(pk=view.pk).exists()
