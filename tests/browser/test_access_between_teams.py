"""Walked in Chromium: the customer's owner opens a case of theirs in another team, another
team's agent sees only their own cases of that customer, a hand-over to another team lands on
the inbox with what happens next (no htmx error), and a case not yours is a styled 404."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from rapport.people.models import Agent
from tests.browser.test_reply_flow import assert_no_horizontal_overflow, sign_in
from tests.conftest import World, toms_cases

pytestmark = pytest.mark.browser

WIDE: ViewportSize = {"width": 1440, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
SHOTS = os.environ.get("RAPPORT_SHOTS_DIR", "")  # e.g. /tmp/shots-access: save what was seen


@contextmanager
def _signed_in(
    browser: Browser, live_server: LiveServer, agent: Agent, viewport: ViewportSize
) -> Iterator[tuple[Page, list[str]]]:
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        sign_in(page, live_server, agent)
        yield page, errors
    finally:
        context.close()


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"] if page.viewport_size else 0
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1440", "390"])
def test_access_follows_the_relationship_in_the_browser(
    browser: Browser, live_server: LiveServer, world: World, viewport: ViewportSize
) -> None:
    tom = toms_cases(world)
    dental, clinic = tom.dental_case, tom.clinic_case

    # The owner: Tom's dentist opens the clinic's case from Tom's timeline.
    with _signed_in(browser, live_server, world.outsider, viewport) as (page, errors):
        page.goto(f"{live_server.url}/customers/{clinic.customer_id}/")
        expect(page.locator("body")).to_contain_text("Dental secret")
        _shot(page, "owner-customer")
        page.locator(f'a[href="/cases/{clinic.pk}/"]').first.click()
        expect(page).to_have_url(re.compile(rf"/cases/{clinic.pk}/$"))
        expect(page.locator("h1")).to_contain_text("Dog ate a crown")
        _shot(page, "owner-case")
        assert_no_horizontal_overflow(page)
        assert errors == []

    # Another team's agent: Ben (clinic) sees the clinic's case of Tom's and nothing dental.
    with _signed_in(browser, live_server, world.colleague, viewport) as (page, errors):
        page.goto(f"{live_server.url}/customers/{clinic.customer_id}/")
        expect(page.locator("body")).to_contain_text("Dog ate a crown")
        expect(page.locator("body")).not_to_contain_text("Dental secret")
        expect(page.locator(f'a[href="/cases/{dental.pk}/"]')).to_have_count(0)
        _shot(page, "other-team-customer")
        page.goto(f"{live_server.url}/cases/{dental.pk}/")
        expect(page.locator("#error-page h1")).to_have_text("Not found")
        expect(page.locator("#back-to-inbox")).to_be_visible()
        _shot(page, "other-team-404")
        assert_no_horizontal_overflow(page)
        page.click("#back-to-inbox")
        expect(page).to_have_url(f"{live_server.url}/")

    # Ana hands the clinic's case to the dental team: success and what happens next.
    with _signed_in(browser, live_server, world.agent, viewport) as (page, errors):
        page.goto(f"{live_server.url}/cases/{clinic.pk}/")
        page.locator("summary", has_text="Priority, owner, merge").click()
        page.select_option("#owner-select", str(world.outsider.pk))
        page.fill("#owner-reason", "Tom's dentist should see this")
        page.click("#owner-save")
        expect(page).to_have_url(f"{live_server.url}/")
        notice = page.locator("#flash")
        expect(notice).to_contain_text(f"Olga Dent (Dental) now owns case #{clinic.pk}")
        expect(notice).to_contain_text("you can no longer open it")
        _shot(page, "handover-inbox")
        assert errors == []

    # The supervisor opens everything.
    with _signed_in(browser, live_server, world.supervisor, viewport) as (page, errors):
        page.goto(f"{live_server.url}/customers/{clinic.customer_id}/")
        expect(page.locator("body")).to_contain_text("Dental secret")
        expect(page.locator("body")).to_contain_text("Dog ate a crown")
        _shot(page, "supervisor-customer")
        assert errors == []
