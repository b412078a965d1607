from __future__ import annotations

from typing import Any

from rapport.people.actions.customers import create_customer
from rapport.routing.actions.opening import open_case
from tests.conftest import World
from tests.workspace.helpers import assert_login_required


def test_list_and_search_by_name_email_and_phone(world: World) -> None:
    client = world.client_for(world.agent)
    html = client.get("/customers/").content.decode()
    assert f'data-customer-id="{world.customer.pk}"' in html and "maria.lopez@example.com" in html
    for query in ("lopez", "maria.lopez@", "612345"):
        found = client.get("/customers/", {"q": query}).content.decode()
        assert f'data-customer-id="{world.customer.pk}"' in found, query
    assert "data-customer-id" not in client.get("/customers/", {"q": "nobody"}).content.decode()


def test_keyset_pages(world: World, settings: Any) -> None:
    settings.RAPPORT_PAGE_SIZE = 5
    for i in range(6):
        customer = create_customer(name=f"Client {i:02d}", by=None)
        open_case(
            customer=customer, subject="x", channel="chat", text="x", by=None, owner=world.agent
        )
    client = world.client_for(world.agent)
    first = client.get("/customers/")
    assert first.content.decode().count("data-customer-id=") == 5
    second = client.get(f"/customers/?{first.context['next_query']}").content.decode()
    assert second.count("data-customer-id=") == 2 and "Maria Lopez" in second


def test_outsider_sees_only_their_customers(world: World) -> None:
    html = world.client_for(world.outsider).get("/customers/").content.decode()
    assert "Maria Lopez" not in html
    assert_login_required("/customers/")
