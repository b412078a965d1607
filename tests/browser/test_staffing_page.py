"""A supervisor reads the week ahead: the heat map marks the short hours in words and a symbol,
the what-if controls change it, and it reads on a phone (the map scrolls, the page does not)."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.cases.models import Case
from rapport.routing.actions.opening import open_case
from tests.browser.test_reply_flow import assert_no_horizontal_overflow, sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("RAPPORT_SHOTS", "")


def _busy_hour_each_day(world: World) -> None:
    """Twelve calls a day at this hour, for the last four weeks: every day of the plan has an
    hour that needs more people than Ana alone."""
    now = timezone.now()
    for day in range(1, 29):
        for i in range(12):
            case = open_case(
                customer=world.customer,
                subject="",
                channel="phone",
                text=f"Question {i}",
                by=None,
                owner=world.agent,
                team=world.clinic,
            )
            Case.objects.filter(pk=case.pk).update(created_at=now - timedelta(days=day))


@pytest.mark.parametrize("width", [1440, 390])
def test_the_supervisor_sees_the_short_hours_and_asks_what_if(
    page: Page, live_server: LiveServer, world: World, width: int
) -> None:
    _busy_hour_each_day(world)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, world.supervisor)
    page.goto(f"{live_server.url}/supervisor/")
    page.locator("#supervisor-nav").get_by_role("link", name="Staffing").click()
    site = page.locator(f"#site-{world.night_site.pk}")
    expect(site.get_by_role("heading", name="Night clinic (Europe/Madrid)")).to_be_visible()
    expect(site.locator(".at-risk-summary")).to_contain_text("hours at risk")
    expect(site.locator("td.at-risk").first).to_contain_text("▲")
    assert_no_horizontal_overflow(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/staffing-{width}.png", full_page=True)

    page.fill("#id_volume_percent", "0")
    page.get_by_role("button", name="Show").click()
    expect(site.get_by_text("Every hour has the people it needs.")).to_be_visible()
    page.fill("#id_shrinkage", "2")
    page.get_by_role("button", name="Show").click()
    # The browser's own check or the server's: either way, no map from a nonsense shrinkage.
    expect(page.locator("#id_shrinkage")).to_have_value("2")
