"""An agent presses `/`, types a phone number as the customer said it and a word of a call note,
and sees each result with why it matched; the customer list does the same for people."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.cases.actions.messages import log_call
from rapport.people.actions.customers import create_customer
from tests.browser.test_reply_flow import sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser


def _shoot(page: Page, name: str) -> None:
    shots = os.environ.get("RAPPORT_SHOTS_DIR")
    if shots:
        for width in (1440, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(Path(shots) / f"{name}-{width}.png"), full_page=True)


def test_search_by_phone_and_call_note_says_why(
    page: Page, live_server: LiveServer, world: World
) -> None:
    log_call(
        case=world.case, by=world.agent, direction="outbound", outcome="reached",
        notes="Owner says the <b>antibiotics</b> helped; appetite back.",
    )  # fmt: skip
    sign_in(page, live_server, world.agent)
    page.goto(f"{live_server.url}/?view=recent")
    page.keyboard.press("/")
    expect(page.locator("#search")).to_be_focused()
    page.keyboard.type("612 345 678")  # the list follows as she types (htmx), no Enter needed
    row = page.locator(f'.case-row[data-case-id="{world.case.pk}"]')
    expect(row.locator('[data-match-field="phone"]')).to_have_text("Phone: +34612345678")
    expect(row.locator('[data-match-field="phone"] mark')).to_have_text("612345678")
    page.fill("#search", "antibiotic")
    expect(row.locator('[data-match-field="call"] mark')).to_have_text("antibiotics")
    expect(row.locator('[data-match-field="call"]')).to_contain_text("the <b>antibiotics</b>")
    _shoot(page, "search-inbox")


def test_customer_search_with_slash(page: Page, live_server: LiveServer, world: World) -> None:
    create_customer(
        name="Jo Quinn", by=world.agent, owner=world.agent, organization="Northwind Labs",
        identities=[("social", "x:@jo_quinn"), ("phone", "+1 647 555 0142")],
    )  # fmt: skip
    sign_in(page, live_server, world.agent)
    page.goto(f"{live_server.url}/customers/")
    page.keyboard.press("/")
    expect(page.locator("#customer-q")).to_be_focused()
    page.keyboard.type("(647) 555-0142")
    page.keyboard.press("Enter")
    expect(page.locator(".customer-rows .case-row")).to_have_count(1)
    expect(page.locator('[data-match-field="phone"] mark')).to_have_text("+16475550142")
    page.fill("#customer-q", "@jo_quinn")
    page.keyboard.press("Enter")
    expect(page.locator('[data-match-field="social"] mark')).to_have_text("jo_quinn")
    page.fill("#customer-q", "northwind")
    page.keyboard.press("Enter")
    expect(page.locator('[data-match-field="organization"] mark')).to_have_text("Northwind")
    _shoot(page, "search-customers")
