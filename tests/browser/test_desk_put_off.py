"""A supervisor opens the desk page and sees, first, the rows the scheduler put off: what, why,
how often, and when it is tried next — readable on a phone as on a desktop."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.test_reply_flow import assert_no_horizontal_overflow, sign_in
from tests.conftest import World
from tests.jobs.helpers import put_off

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1440, 390])
def test_the_desk_lists_what_the_sweeps_put_off(
    page: Page, live_server: LiveServer, world: World, width: int
) -> None:
    put_off(
        sweep="sla_breach",
        item=world.case.pk,
        failures=4,
        error="IntegrityError: NOT NULL constraint failed: cases_notification.agent_id\nDETAIL",
    )
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, world.supervisor)
    page.goto(f"{live_server.url}/supervisor/desk/")
    row = page.locator(f"#put-off-sla_breach-{world.case.pk}")
    expect(row).to_contain_text(f"Case #{world.case.pk}")
    expect(row).to_contain_text("IntegrityError: NOT NULL constraint failed")
    expect(page.locator("#put-off")).not_to_contain_text("DETAIL")
    assert_no_horizontal_overflow(page)
    if shots := os.environ.get("RAPPORT_SHOTS_DIR"):  # to look at the page by eye
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.locator("#put-off").scroll_into_view_if_needed()
        page.screenshot(path=f"{shots}/desk-put-off-{width}.png", full_page=False)
