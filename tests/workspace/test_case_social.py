"""The case page of a public post: the post (platform, author, link, stars as text, public
marker), its response target, recording a response (who and when), and linking a handle known
to nobody to a customer the desk knows, in one click."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.cases.models import Status
from rapport.people.actions.customers import create_customer
from rapport.social.actions.ingest import ingest_post
from rapport.social.actions.responses import record_response
from rapport.social.models import SocialResponse
from tests.conftest import World
from tests.social.posts import NOW, REVIEW


@pytest.fixture(autouse=True)
def _clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_the_page_shows_the_post_its_stars_link_marker_and_target(world: World) -> None:
    case = ingest_post(post=REVIEW, source="import").case

    html = world.client_for(world.supervisor).get(f"/cases/{case.pk}/").content.decode()

    assert 'id="social-post"' in html and 'id="social-public"' in html
    assert "Trustpilot" in html and "@lopez_m" in html
    assert "★★☆☆☆" in html and "2 of 5 stars" in html
    assert (
        'href="https://trustpilot.example/reviews/r-77" rel="noopener noreferrer nofollow"' in html
    )
    assert "Review target: a first answer within 24 h" in html
    assert "Rapport does not post on Trustpilot for you" in html


def test_a_case_without_a_post_has_no_panel_and_no_extra_query(world: World) -> None:
    client = world.client_for(world.agent)
    with CaptureQueriesContext(connection) as plain:
        html = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert 'id="social-post"' not in html
    assert not [q for q in plain.captured_queries if "social_" in q["sql"]]


def test_the_panel_costs_a_few_queries_however_many_responses(world: World) -> None:
    case = ingest_post(post=REVIEW, source="import").case
    client = world.client_for(world.supervisor)
    with CaptureQueriesContext(connection) as one:
        client.get(f"/cases/{case.pk}/")
    for n in range(5):
        record_response(case=case, kind="moved_private", by=world.agent, note=f"DM {n}")
    with CaptureQueriesContext(connection) as many:
        html = client.get(f"/cases/{case.pk}/").content.decode()
    assert html.count('data-kind="moved_private"') == 5
    assert len(many.captured_queries) == len(one.captured_queries)
    # The posts, their responses, and the platforms posted on (why no reply can go there).
    assert len([q for q in many.captured_queries if "social_" in q["sql"]]) == 3


def test_recording_a_public_reply_from_the_page(world: World) -> None:
    case = ingest_post(post=REVIEW, source="import").case
    client = world.client_for(world.supervisor)

    response = client.post(
        f"/cases/{case.pk}/social/responses/",
        {"kind": "public_reply", "url": "https://trustpilot.example/reviews/r-77#reply"},
        follow=True,
    )

    html = response.content.decode()
    assert "Recorded: replied in public, by Sam Reyes." in html
    assert "Replied in public</strong> by Sam Reyes" in html
    saved = SocialResponse.objects.get()
    assert (saved.agent, saved.at) == (world.supervisor, NOW)
    case.refresh_from_db()
    assert case.status == Status.WAITING_CUSTOMER


def test_a_public_reply_without_its_link_is_refused_and_nothing_recorded(world: World) -> None:
    case = ingest_post(post=REVIEW, source="import").case
    response = world.client_for(world.supervisor).post(
        f"/cases/{case.pk}/social/responses/", {"kind": "public_reply"}, follow=True
    )
    assert "Give the link to your public reply." in response.content.decode()
    assert not SocialResponse.objects.exists()


def test_an_outsider_cannot_record_on_the_case(world: World) -> None:
    case = ingest_post(post=REVIEW, source="import").case
    response = world.client_for(world.outsider).post(
        f"/cases/{case.pk}/social/responses/", {"kind": "called"}
    )
    assert response.status_code == 404
    assert not SocialResponse.objects.exists()


def test_an_unknown_handle_is_linked_to_a_known_customer_in_one_click(world: World) -> None:
    case = ingest_post(post=REVIEW, source="import").case
    handle_customer = case.customer
    assert handle_customer != world.customer
    client = world.client_for(world.supervisor)

    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'data-link-to="{world.customer.pk}"' in html  # "Maria Lopez" offered by name

    response = client.post(
        f"/customers/{handle_customer.pk}/merge/",
        {"target": world.customer.pk, "next": f"/cases/{case.pk}/"},
    )

    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.customer == world.customer
    assert world.customer.identities.filter(value="trustpilot:lopez_m").exists()
    # The handle now speaks for Maria: her next review threads on her case.
    again = ingest_post(post=replace(REVIEW, post_id="r-78", rating=1), source="webhook")
    assert (again.outcome, again.customer, again.case) == ("threaded", world.customer, case)
    repeated = ingest_post(post=REVIEW, source="webhook")
    assert (repeated.outcome, repeated.customer) == ("duplicate", world.customer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="social-link"' not in page  # known by her email and phone too now


def test_a_customer_known_by_more_than_the_handle_is_not_offered_a_link(world: World) -> None:
    create_customer(
        name="Pat Kim",
        by=world.agent,
        identities=[("social", "trustpilot:patk"), ("email", "pat@example.com")],
    )
    case = ingest_post(
        post=replace(REVIEW, author_handle="patk", author_name="Pat Kim"), source="import"
    ).case
    html = world.client_for(world.supervisor).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="social-post"' in html and 'id="social-link"' not in html
