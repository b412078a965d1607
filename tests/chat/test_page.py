"""The customer's full-page chat at /chat/ without JavaScript, and the widget's script."""

from __future__ import annotations

import pytest
from django.test import Client

from rapport.chat.models import ChatEntry, Conversation
from rapport.people.models import Brand
from tests.conftest import World

pytestmark = pytest.mark.django_db


def clinic(**fields: object) -> Brand:
    return Brand.objects.create(
        name="Night Clinic",
        slug="night-clinic",
        colour="#0f766e",
        chat_greeting="Hello! A vet on duty reads every message.",
        chat_origins=["https://www.nightclinic.example"],
        **fields,
    )


def test_a_form_post_stores_the_line_and_shows_the_conversation(world: World) -> None:
    browser = Client()
    posted = browser.post("/chat/", {"text": "Mila is coughing again", "name": "Maria"})
    assert posted.status_code == 302
    conversation = Conversation.objects.get()
    assert conversation.name == "Maria"
    page = browser.get("/chat/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Mila is coughing again" in body
    assert "Delivered" in body
    # The next post goes to the same conversation (the page's signed cookie).
    browser.post("/chat/", {"text": "She is 10 weeks old"})
    assert list(
        ChatEntry.objects.filter(conversation=conversation).values_list("seq", flat=True)
    ) == [1, 2]
    assert "She is 10 weeks old" in browser.get("/chat/").content.decode()


def test_a_line_that_was_not_stored_is_kept_in_the_box_with_the_reason(world: World) -> None:
    browser = Client()
    refused = browser.post("/chat/", {"text": "x" * 5000})
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "Not sent:" in body
    assert "x" * 5000 in body  # the customer's words are not lost
    assert "Delivered" not in body
    assert not Conversation.objects.exists()


def test_the_page_wears_the_brand_and_only_its_sites_may_frame_it(world: World) -> None:
    clinic()
    Brand.objects.create(name="Smile Dental", slug="smile")
    page = Client().get("/chat/", {"brand": "night-clinic", "embed": "1"})
    body = page.content.decode()
    assert "Night Clinic" in body
    assert "Hello! A vet on duty reads every message." in body
    assert "colour=%230f766e" in body
    policy = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://www.nightclinic.example;" in policy
    assert "script-src 'self';" in policy
    assert "X-Frame-Options" not in page.headers


def test_bare_chat_on_a_desk_of_several_businesses_asks_which_one_publicly(world: World) -> None:
    clinic()
    Brand.objects.create(name="Smile Dental", slug="smile")
    page = Client().get("/chat/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Who would you like to chat with?" in body
    assert 'href="/chat/?brand=night-clinic"' in body and 'href="/chat/?brand=smile"' in body
    assert "Say which business" not in body and "Not Found" not in body
    # A widget without data-brand keeps the chooser inside its iframe, framed by the sites.
    framed = Client().get("/chat/", {"embed": "1"})
    assert 'href="/chat/?brand=smile&amp;embed=1"' in framed.content.decode()
    assert "https://www.nightclinic.example" in framed.headers["Content-Security-Policy"]
    unknown = Client().get("/chat/", {"brand": "<b>nope</b>"})
    assert unknown.status_code == 404
    assert "There is no business called “&lt;b&gt;nope&lt;/b&gt;” here" in unknown.content.decode()


def test_the_brand_stylesheet_takes_a_colour_and_nothing_else(world: World) -> None:
    good = Client().get("/chat/brand.css", {"colour": "#0f766e"})
    assert good.content == b":root { --brand: #0f766e; }\n"
    bad = Client().get("/chat/brand.css", {"colour": "red;} body{display:none"})
    assert bad.content == b""


def test_the_widget_script_is_one_static_file(world: World) -> None:
    script = Client().get("/chat/widget.js")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("text/javascript")
    assert b"/chat/?embed=1" in script.content
