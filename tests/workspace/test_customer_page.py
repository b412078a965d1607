from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.people.actions.customers import create_customer
from rapport.people.actions.notes import add_rapport_note
from rapport.routing.actions.opening import open_case
from tests.conftest import World
from tests.workspace.helpers import assert_login_required, grow_timeline


def test_customer_page_shows_every_case_labelled(world: World) -> None:
    other = open_case(
        customer=world.customer,
        subject="Invoice question",
        channel="email",
        text="Charged twice",
        by=None,
        owner=world.colleague,
    )
    add_rapport_note(customer=world.customer, text="Prefers a call after 6 pm", by=world.agent)
    response = world.client_for(world.agent).get(f"/customers/{world.customer.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f">#{world.case.pk} Puppy coughing at night" in html
    assert f">#{other.pk} Invoice question" in html
    assert "is-current" not in html  # no case in focus here
    assert "Prefers a call after 6 pm" in html
    assert 'id="identity-form"' in html and 'id="relationship-form"' in html
    assert 'id="customer-merge-form"' in html


def test_outsider_gets_404_and_anonymous_is_redirected(world: World) -> None:
    url = f"/customers/{world.customer.pk}/"
    assert world.client_for(world.outsider).get(url).status_code == 404
    assert_login_required(url)
    # Someone the agent has no case with nor relationship to is not theirs either.
    stranger = create_customer(name="Stranger", by=None)
    assert world.client_for(world.agent).get(f"/customers/{stranger.pk}/").status_code == 404


def test_query_count_does_not_grow_with_the_timeline(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = world.client_for(world.agent)
    url = f"/customers/{world.customer.pk}/"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    grow_timeline(world, 12)
    # 22: with the access log's row of this read and the inbound mails' sender authentication,
    # and the surveys card's three (its list, its figures, the recommendations).
    with django_assert_max_num_queries(22), CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count('class="timeline-entry') >= 40
    assert len(many.captured_queries) == len(few.captured_queries)
