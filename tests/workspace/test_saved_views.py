"""Saved views: an agent names the inbox's filter and order and picks it again; theirs alone."""

from __future__ import annotations

from typing import Any

from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.cases.actions.saved_views import save_view
from rapport.cases.models import Priority, SavedView
from tests.conftest import World
from tests.workspace.helpers import assert_login_required, inbox_ids, make_cases


def _flashed(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_save_the_inbox_as_it_is_and_pick_it_again(world: World) -> None:
    cases = make_cases(world, 3, owners=[world.agent])
    client = world.client_for(world.agent)
    response = client.post(
        "/saved-views/",
        {
            "name": "  Urgent,   oldest first ",
            "query": "view=team&priority=urgent&sort=waiting&after=1_x_2",
        },
    )
    view = SavedView.objects.get(agent=world.agent)
    assert (view.name, view.filters) == (
        "Urgent, oldest first",
        {"view": "team", "priority": "urgent", "sort": "waiting"},
    )
    assert response["Location"] == "/?view=team&priority=urgent&sort=waiting"
    assert _flashed(response) == ["Saved the view “Urgent, oldest first”."]
    page = client.get("/?view=team&priority=urgent&sort=waiting").content.decode()
    assert 'aria-current="page">Urgent, oldest first</a>' in page
    # Another filter: the view is listed, not current.
    page = client.get("/?view=team").content.decode()
    assert 'href="/?view=team&amp;priority=urgent&amp;sort=waiting" class="chip">' in page
    assert inbox_ids(page)[:1] == [max(c.pk for c in cases)]


def test_the_same_name_replaces_the_view(world: World) -> None:
    client = world.client_for(world.agent)
    client.post("/saved-views/", {"name": "Mine", "query": "view=mine"})
    client.post("/saved-views/", {"name": "Mine", "query": "view=mine&sort=due"})
    assert list(SavedView.objects.values_list("name", "filters")) == [
        ("Mine", {"view": "mine", "sort": "due"})
    ]


def test_bad_input_is_refused_and_saves_nothing(world: World) -> None:
    def post(data: dict[str, str]) -> list[str]:
        return _flashed(world.client_for(world.agent).post("/saved-views/", data))

    assert post({"name": "", "query": "view=mine"}) == ["Name: Give the view a name."]
    assert post({"name": "x", "query": "sort=sideways"}) == [
        "'sideways' is not a sort the inbox knows."
    ]
    assert post({"name": "x", "query": "owner=somebody"}) == [
        'owner is an agent id, "me" or "none".'
    ]
    assert not SavedView.objects.exists()


def test_delete_a_view(world: World) -> None:
    view = save_view(agent=world.agent, name="Mine", filters={"view": "mine"})
    response = world.client_for(world.agent).post(
        f"/saved-views/{view.pk}/delete/", {"next": "/?view=team"}
    )
    assert response["Location"] == "/?view=team"
    assert _flashed(response) == ["Deleted the view “Mine”."]
    assert not SavedView.objects.exists()


def test_nobody_sees_or_deletes_another_agents_view(world: World) -> None:
    view = save_view(agent=world.agent, name="Ana's urgent", filters={"priority": Priority.URGENT})
    for other in (world.colleague, world.outsider, world.supervisor):
        client = world.client_for(other)
        assert "Ana&#x27;s urgent" not in client.get("/").content.decode()
        assert client.post(f"/saved-views/{view.pk}/delete/").status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()
    assert_login_required(f"/saved-views/{view.pk}/delete/", method="post")
    assert_login_required("/saved-views/", method="post")


def test_the_list_of_views_costs_one_query_however_many(world: World) -> None:
    client = world.client_for(world.agent)
    save_view(agent=world.agent, name="First", filters={})
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for i in range(10):
        save_view(agent=world.agent, name=f"View {i}", filters={"view": "team", "q": f"w{i}"})
    with CaptureQueriesContext(connection) as many:
        page = client.get("/").content.decode()
    assert page.count('class="saved-view"') == 11
    assert len(many.captured_queries) == len(few.captured_queries)
