"""Remote images in a mail load only when the agent asks, on a page that can run nothing."""

from __future__ import annotations

from rapport.cases.models import Message
from rapport.routing.actions.opening import receive_message
from tests.conftest import World
from tests.workspace.helpers import assert_login_required

PIXEL = "https://track.example/open.gif?u=7"


def html_message(world: World) -> Message:
    return receive_message(
        case=world.case,
        channel="email",
        text="",
        html=f'<p>Our offer</p><img src="{PIXEL}" alt="logo" width="1" height="1">',
    )


def test_case_page_holds_remote_images_back_and_offers_to_load_them(world: World) -> None:
    message = html_message(world)
    html = world.client_for(world.agent).get(f"/cases/{world.case.pk}/").content.decode()
    assert "<p>Our offer</p>" in html
    assert "track.example" not in html.replace(f'data-src="{PIXEL}"', "")
    assert '<span class="blocked-image" data-src="https://track.example/open.gif?u=7"' in html
    assert "1 remote image not loaded" in html
    assert f'href="/messages/{message.pk}/with-images/"' in html


def test_the_images_page_shows_them_sandboxed_without_referrer(world: World) -> None:
    message = html_message(world)
    response = world.client_for(world.agent).get(f"/messages/{message.pk}/with-images/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<img src="{PIXEL}" alt="logo" width="1" height="1">' in html
    assert "<script" not in html
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; img-src http: https:; style-src 'self'; base-uri 'none';"
        " form-action 'none'; frame-ancestors 'none'; sandbox"
    )
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "private, no-store"


def test_only_those_who_see_the_case_may_open_it(world: World) -> None:
    message = html_message(world)
    url = f"/messages/{message.pk}/with-images/"
    assert world.client_for(world.outsider).get(url).status_code == 404
    assert world.client_for(world.supervisor).get(url).status_code == 200
    assert world.client_for(world.agent).post(url).status_code == 405
    assert_login_required(url)


def test_a_message_without_html_has_no_images_page(world: World) -> None:
    plain = receive_message(case=world.case, channel="email", text="Just text")
    client = world.client_for(world.agent)
    assert client.get(f"/messages/{plain.pk}/with-images/").status_code == 404
    assert client.get("/messages/999999/with-images/").status_code == 404
