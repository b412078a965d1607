"""An agent answers a Mastodon mention from the case page: the composer offers social, says the
answer is as public as the post, and the reply is posted on the (fake) instance and shown Sent."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.cases.actions.assignment import assign_case
from rapport.cases.models import Case, DeliveryStatus, Direction, Message
from rapport.social.models import SocialPost, SocialResponse
from rapport.social.polling import poll_accounts
from tests.browser.test_reply_flow import assert_no_horizontal_overflow, sign_in
from tests.conftest import World
from tests.social.fake_mastodon import FakeMastodon

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("RAPPORT_SHOTS", "")


def answer_from_the_case_page(
    page: Page, live_server: LiveServer, world: World, case: Case, *, width: int, name: str
) -> Message:
    """Dr. Ana Ortiz opens the post's case at `width`, sees Social offered, replies and sees it
    Sent (screenshots `<name>-case-` and `<name>-replied-<width>.png` with RAPPORT_SHOTS)."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    assign_case(case=case, owner=world.agent, by=world.supervisor)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, world.agent)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator(".timeline-entry", has_text="prescription")).to_be_visible()
    expect(page.locator("#reply-channel")).to_have_value("social")
    expect(page.locator("#reply-caveat")).to_contain_text("posted on Mastodon or Bluesky")
    assert_no_horizontal_overflow(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}-case-{width}.png", full_page=True, caret="initial")

    page.fill("#reply-text", "Sent to the pharmacy just now; sorry for the wait.")
    page.click("#reply-send")

    reply = page.locator(".timeline-entry", has_text="Sent to the pharmacy just now")
    expect(reply).to_contain_text("— Dr. Ana Ortiz")
    expect(reply).to_contain_text("Sent")
    message = Message.objects.get(case=case, direction=Direction.OUTBOUND)
    assert message.delivery_status == DeliveryStatus.SENT, message.delivery_error
    assert SocialResponse.objects.get(case=case).agent == world.agent
    assert_no_horizontal_overflow(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}-replied-{width}.png", full_page=True, caret="initial")
    assert errors == []
    return message


@pytest.mark.parametrize("width", [1440, 390])
def test_an_agent_answers_a_mention_on_mastodon(
    page: Page, live_server: LiveServer, world: World, fake: FakeMastodon, width: int
) -> None:
    fake.mention(
        "<p>@brand my dog's <b>prescription</b> was never sent to the pharmacy</p>",
        acct="lena@elsewhere.example",
        display_name="Lena Park",
    )
    poll_accounts(now=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    post = SocialPost.objects.get()
    assert post.case is not None

    message = answer_from_the_case_page(
        page, live_server, world, post.case, width=width, name="mastodon"
    )

    assert "my dog's prescription was never sent" in post.text  # HTML dropped, words kept
    [posted] = fake.posted
    assert posted["form"]["in_reply_to_id"] == post.post_id
    assert posted["key"] == f"rapport-message-{message.pk}"
