"""A page offers the desk's socket only when the server has one (ASGI: `rapport serve`); over
WSGI the browser would try /ws/desk/, fail with an error in the console, and retry forever."""

from __future__ import annotations

from django.test import AsyncRequestFactory, RequestFactory

from rapport.workspace.context import workspace
from tests.conftest import World


def test_only_a_page_served_over_asgi_offers_the_socket(world: World) -> None:
    over_wsgi = RequestFactory().get("/")
    over_asgi = AsyncRequestFactory().get("/")
    for request in (over_wsgi, over_asgi):
        request.user = world.agent.user
    assert workspace(over_wsgi)["desk_socket"] is False
    assert workspace(over_asgi)["desk_socket"] is True


def test_the_inbox_over_wsgi_names_no_socket(world: World) -> None:
    page = world.client_for(world.agent).get("/").content.decode()
    assert "data-notifications-url" in page and "data-desk-socket" not in page
