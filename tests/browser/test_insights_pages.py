"""A supervisor opens Insights from the supervisor page, reads the time-to-human page for a day
(figures, charts with numbers on them, tables), narrows it to a team, downloads a table as CSV,
and reads the live queue; on a phone the page never scrolls sideways. axe-core finds nothing
serious."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.axe import assert_accessible
from tests.browser.test_reply_flow import assert_no_horizontal_overflow, sign_in
from tests.conftest import World
from tests.insights.dataset import build

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("RAPPORT_SHOTS", "")


@pytest.mark.parametrize("width", [1440, 390])
def test_the_supervisor_reads_time_to_human_and_the_queue(
    page: Page, live_server: LiveServer, world: World, width: int
) -> None:
    build(world)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, world.supervisor)
    page.goto(f"{live_server.url}/supervisor/")
    page.locator("#insights-link").get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", name="Insights", exact=True)).to_be_visible()
    assert_no_horizontal_overflow(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/insights-index-{width}.png", full_page=True)
    page.locator("#insights-questions").get_by_role("link", name="Time to a named human").click()
    page.fill("#id_since", "2026-11-20")
    page.fill("#id_until", "2026-11-20")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#figure-median_minutes")).to_contain_text("35.0 min")
    chart = page.get_by_role("img", name="How long customers waited for a person", exact=False)
    expect(chart).to_be_visible()
    expect(page.locator("#table-by-channel")).to_contain_text("Email")
    assert_no_horizontal_overflow(page)
    assert_accessible(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/insights-time-to-human-{width}.png", full_page=True)

    with page.expect_download() as download:
        page.locator("#table-by-channel").get_by_role("link", name="Download CSV").click()
    text = open(download.value.path(), encoding="utf-8").read()  # noqa: SIM115
    assert text.splitlines()[0] == "channel,cases answered,p50 minutes,p90 minutes"

    page.select_option("#id_team", label="Dental")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#figure-cases")).to_contain_text("1")
    page.fill("#id_until", "not a day")
    page.evaluate("document.querySelector('#id_until').type = 'text'")
    page.fill("#id_until", "20/11/2026")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#filter-errors")).to_contain_text("until")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/insights-bad-filter-{width}.png", full_page=True)

    page.locator("#insights-nav").get_by_role("link", name="The live queue").click()
    expect(page.locator("#table-waiting")).to_contain_text("nobody")
    assert_no_horizontal_overflow(page)
    assert_accessible(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/insights-queue-{width}.png", full_page=True)
