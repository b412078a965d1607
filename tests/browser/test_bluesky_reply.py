"""An agent answers a Bluesky mention from the case page: the composer offers social, and the
reply is posted in the customer's thread on the (fake) PDS and shown Sent."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from rapport.social.models import SocialPost
from rapport.social.polling import poll_bluesky
from tests.browser.test_mastodon_reply import answer_from_the_case_page
from tests.conftest import World
from tests.social.fake_bluesky import FakeBluesky

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("RAPPORT_SHOTS", "")


@pytest.mark.parametrize("width", [1440, 390])
def test_an_agent_answers_a_mention_on_bluesky(
    page: Page, live_server: LiveServer, world: World, pds: FakeBluesky, width: int
) -> None:
    pds.notify(
        "@clinic.bsky.social my dog's <b>prescription</b> was never sent to the pharmacy",
        handle="lena.bsky.social",
        display_name="Lena Park",
    )
    poll_bluesky(now=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    post = SocialPost.objects.get()
    assert post.case is not None

    answer_from_the_case_page(page, live_server, world, post.case, width=width, name="bluesky")

    # Bluesky sends text, not HTML: the words are shown as written (escaped), never as markup.
    assert page.locator(".timeline-entry b").count() == 0
    [created] = pds.created
    assert created["record"]["reply"]["parent"]["uri"] == post.post_id
