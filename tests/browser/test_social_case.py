"""A public review on its case page, at desktop and phone widths: the post with its stars as
text, link and public marker, a response recorded by name, and the reviewer's handle linked to
the customer the desk knows in one click. No console error (strict CSP), no sideways scroll."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from rapport.social.actions.ingest import ingest_post
from rapport.social.models import SocialResponse
from tests.browser.test_reply_flow import assert_no_horizontal_overflow, sign_in
from tests.conftest import World
from tests.social.posts import REVIEW

pytestmark = pytest.mark.browser

WIDTHS: dict[str, ViewportSize] = {
    "1440": {"width": 1440, "height": 900},
    "390": {"width": 390, "height": 844},
}


def shoot(page: Page, name: str) -> None:
    """Full-page screenshots for a person to look at, when RAPPORT_SHOTS_DIR names a folder."""
    folder = os.environ.get("RAPPORT_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
        panel = page.locator("#social-post")
        if panel.count():
            panel.screenshot(path=str(Path(folder) / f"{name}-panel.png"))


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_review_answered_recorded_and_linked(
    browser: Browser, live_server: LiveServer, world: World, width: str
) -> None:
    # Markup in the name and words: shown as typed, never run.
    hostile = replace(
        REVIEW,
        author_name=f"{REVIEW.author_name} <b>",
        text=f"{REVIEW.text} <script>alert(1)</script>",
        posted_at=timezone.now() - timedelta(minutes=20),
    )
    review = ingest_post(post=hostile, source="import")
    case = review.case
    context = browser.new_context(viewport=WIDTHS[width])
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, live_server, world.supervisor)

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    panel = page.locator("#social-post")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("2 of 5 stars")
    expect(panel.locator("#social-public")).to_have_text("Public")
    expect(panel).to_contain_text("Maria Lopez <b>")  # a name, shown as typed, not markup
    expect(panel.locator(".social-link")).to_have_attribute(
        "href", "https://trustpilot.example/reviews/r-77"
    )
    expect(page.locator("#social-target")).to_contain_text("Review target")
    panel.scroll_into_view_if_needed()
    shoot(page, f"social-case-{width}")
    assert_no_horizontal_overflow(page)

    page.fill("#social-url", "https://trustpilot.example/reviews/r-77#reply")
    page.fill("#social-note", "Apologised and explained the estimate")
    page.locator("#social-response-save").click()
    expect(page.locator("#social-responses")).to_contain_text("Replied in public by Sam Reyes")
    assert SocialResponse.objects.get().agent == world.supervisor
    shoot(page, f"social-case-recorded-{width}")

    page.locator(f'[data-link-to="{world.customer.pk}"]').click()
    expect(page.locator("body")).to_contain_text("was merged into Maria Lopez")
    expect(page.locator("#social-link")).to_have_count(0)
    case.refresh_from_db()
    assert case.customer_id == world.customer.pk
    shoot(page, f"social-case-linked-{width}")
    assert_no_horizontal_overflow(page)
    assert errors == []
    context.close()
