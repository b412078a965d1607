from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.cases.actions.messages import add_note, log_call, reply
from rapport.people.actions.notes import add_asset, add_rapport_note
from rapport.routing.actions.opening import open_case, receive_message
from tests.conftest import World
from tests.workspace.helpers import HTMX, assert_login_required, grow_timeline


def test_case_page_shows_the_customers_whole_timeline(world: World) -> None:
    other = open_case(
        customer=world.customer,
        subject="Invoice question",
        channel="email",
        text="Why was I charged twice?",
        by=None,
        owner=world.colleague,
    )
    add_note(case=world.case, text="Listen for a honking cough", by=world.colleague)
    log_call(
        case=world.case,
        by=world.agent,
        direction="outbound",
        outcome="reached",
        notes="Meds working",
        phone="+34612345678",
        duration_seconds=125,
    )
    response = world.client_for(world.agent).get(f"/cases/{world.case.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="timeline-entry') >= 5
    # The current case is in focus; the other case's entries are labelled with it.
    assert "kind-message is-current direction-in" in html
    assert f">#{other.pk} Invoice question" in html and "Why was I charged twice?" in html
    assert 'Dr. Ben Hale</span>\n          <span class="what">added an internal note' in html
    assert "Meds working" in html and "2:05" in html and "Reached" in html
    # Newest first: the call was logged last.
    assert html.index("Meds working") < html.index("Listen for a honking cough")


def test_side_panel(world: World) -> None:
    add_rapport_note(customer=world.customer, text="Puppy Mila, 10-week yellow lab", by=world.agent)
    add_asset(
        customer=world.customer,
        name="Mila",
        kind="pet",
        by=world.agent,
        attributes={"Breed": "Labrador"},
    )
    other = open_case(
        customer=world.customer,
        subject="Vaccines",
        channel="chat",
        text="When?",
        by=None,
        owner=world.agent,
    )
    html = world.client_for(world.agent).get(f"/cases/{world.case.pk}/").content.decode()
    assert 'href="tel:+34612345678"' in html
    assert 'href="mailto:maria.lopez@example.com"' in html
    assert 'id="relationship-owner">Dr. Ben Hale' in html
    assert 'id="relationship-deputy">Dr. Ana Ortiz' in html
    assert "Puppy Mila, 10-week yellow lab" in html
    assert "<dt>Breed</dt><dd>Labrador</dd>" in html
    assert f'data-open-case="{other.pk}"' in html
    assert f'data-open-case="{world.case.pk}"' not in html


def test_composer_is_signed_and_prefilled(world: World) -> None:
    html = world.client_for(world.agent).get(f"/cases/{world.case.pk}/").content.decode()
    assert 'id="reply-text"' in html and 'id="reply-send"' in html
    assert 'Signed as <strong id="reply-signed-as">Dr. Ana Ortiz</strong>' in html
    assert "— Dr. Ana Ortiz\nNight Clinic · +34 911 234 567" in html
    assert 'id="call-phone" value="+34612345678"' in html
    # Only allowed transitions are offered, with the status the page was rendered with.
    assert 'name="expected" value="new"' in html
    assert '<option value="new">' not in html and '<option value="resolved">' in html


def test_customer_text_is_escaped_and_only_sanitised_html_is_rendered(world: World) -> None:
    receive_message(case=world.case, channel="email", text="<script>alert(1)</script> & more")
    receive_message(
        case=world.case,
        channel="email",
        text="",
        html="<p>Hello <b>doc</b></p><script>alert(2)</script><img src=x onerror=alert(3)>",
    )
    html = world.client_for(world.agent).get(f"/cases/{world.case.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert "<p>Hello <b>doc</b></p>" in html
    assert "alert(2)" not in html and "onerror" not in html


def test_htmx_get_returns_the_timeline_fragment(world: World) -> None:
    response = world.client_for(world.agent).get(f"/cases/{world.case.pk}/", headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="timeline"') and "<html" not in html


def test_outsider_gets_404_and_anonymous_is_redirected(world: World) -> None:
    assert world.client_for(world.outsider).get(f"/cases/{world.case.pk}/").status_code == 404
    assert world.client_for(world.supervisor).get(f"/cases/{world.case.pk}/").status_code == 200
    assert_login_required(f"/cases/{world.case.pk}/")


def test_query_count_does_not_grow_with_the_timeline(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = world.client_for(world.agent)
    url = f"/cases/{world.case.pk}/"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    grow_timeline(world, 12)
    add_rapport_note(customer=world.customer, text="Travels a lot", by=world.agent)
    # 22: one read of the inbound mails' sender authentication, whatever the timeline holds;
    # the surveys card's three (its list, its figures, the recommendations).
    with django_assert_max_num_queries(22), CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count('class="timeline-entry') >= 40
    assert len(many.captured_queries) == len(few.captured_queries)


def test_upset_customer_steers_the_agent_to_a_call_with_the_reasons(world: World) -> None:
    case = open_case(
        customer=world.customer,
        subject="",
        channel="chat",
        text="Third time I write!!! Nobody answers. I want to speak to a real person, not a bot.",
        by=None,
    )
    page = world.client_for(world.colleague).get(f"/cases/{case.pk}/").content.decode()
    assert "Call Maria rather than writing back" in page
    assert 'href="tel:+34612345678"' in page
    assert 'data-signal="wants_human"' in page and 'data-signal="upset"' in page
    assert "First answer due" in page


def test_stand_in_sees_what_the_customer_was_told(world: World) -> None:
    world.colleague.availability = "away"
    world.colleague.save(update_fields=["availability"])
    case = open_case(customer=world.customer, subject="", channel="email", text="Hi", by=None)
    page = world.client_for(world.agent).get(f"/cases/{case.pk}/").content.decode()
    assert "Dr. Ben Hale is away; Dr. Ana Ortiz has your file." in page


def test_answered_case_says_how_long_the_customer_waited(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        case = open_case(customer=world.customer, subject="", channel="email", text="Hi", by=None)
    with time_machine.travel(start + timedelta(minutes=12), tick=False):
        reply(case=case, text="Hello Maria", by=world.colleague)
    page = world.client_for(world.colleague).get(f"/cases/{case.pk}/").content.decode()
    assert "First answered by a person 12\xa0minutes after arrival." in page
