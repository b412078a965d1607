"""A supervisor sets up a new business in the browser: the business with its address, a site
with its week and holidays, a team of two agents; mail to the business's address then lands with
one of them. On a desktop and on a phone, with nothing wider than the screen."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.cases.models import Case
from rapport.mail.actions.intake import process_inbound_email, store_inbound_email
from rapport.people.actions.agents import create_agent
from rapport.people.models import Brand, Site, Team
from tests.browser.test_reply_flow import assert_no_horizontal_overflow, sign_in
from tests.conftest import World
from tests.mail.intake_helpers import make_mail

pytestmark = pytest.mark.browser


def _shot(page: Page, name: str, width: int) -> None:
    if shots := os.environ.get("RAPPORT_SHOTS_DIR"):  # to look at the pages by eye
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{shots}/{name}-{width}.png", full_page=True)


@pytest.mark.parametrize("width", [1440, 390])
def test_a_supervisor_sets_up_a_business_with_a_site_and_a_team(
    page: Page, live_server: LiveServer, world: World, width: int
) -> None:
    lucia = create_agent(username="lucia", display_name="Lucía Gómez", password=None)
    pablo = create_agent(username="pablo", display_name="Pablo Ruiz", password=None)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, world.supervisor)

    page.goto(f"{live_server.url}/supervisor/desk/")
    page.locator("#supervisor-nav").get_by_role("link", name="Businesses").click()
    page.fill("#id_name", "Sonrisa Dental")
    page.fill("#id_slug", "sonrisa")
    page.fill("#id_addresses", "hola@sonrisa.example")
    page.fill("#id_colour", "#c2185b")
    page.click("#brand-add")
    expect(page.locator("#flash")).to_contain_text("Sonrisa Dental added")
    brand = Brand.objects.get(slug="sonrisa")
    expect(page.locator(f"#brand-{brand.pk}")).to_contain_text("hola@sonrisa.example")
    assert_no_horizontal_overflow(page)
    _shot(page, "desk-brands", width)

    page.locator("#supervisor-nav").get_by_role("link", name="Sites").click()
    page.fill("#id_name", "Madrid")
    page.select_option("#id_timezone", "Europe/Madrid")
    page.select_option("#id_country", "ES")
    page.fill("#id_region", "MD")
    page.select_option("#id_brand", str(brand.pk))
    page.click("#site-add")
    site = Site.objects.get(name="Madrid")
    expect(page).to_have_url(re.compile(rf"/supervisor/desk/sites/{site.pk}/$"))
    expect(page.locator("#site-holidays")).to_contain_text("Christmas Day")
    page.uncheck(f"#hours-grid-{site.pk} input[name=around_the_clock]")
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        page.check(f"input[name={day}-open]")
        page.fill(f"input[name={day}-start-1]", "00:00")
        page.fill(f"input[name={day}-end-1]", "00:00")
    page.click("#hours-save")
    expect(page).to_have_url(re.compile(rf"/supervisor/desk/sites/{site.pk}/$"))
    expect(page.locator("#hours-now")).to_contain_text("mon 00:00-24:00")
    assert_no_horizontal_overflow(page)
    _shot(page, "desk-site", width)

    page.locator("#supervisor-nav").get_by_role("link", name="Teams").click()
    page.fill("#id_name", "Sonrisa front desk")
    page.fill("#id_slug", "sonrisa-front")
    page.select_option("#id_brand", str(brand.pk))
    page.get_by_label("Lucía Gómez").check()
    page.get_by_label("Pablo Ruiz").check()
    page.click("#team-add")
    expect(page.locator("#flash")).to_contain_text("Team Sonrisa front desk added with 2 members")
    team = Team.objects.get(slug="sonrisa-front")
    assert team.brand == brand and set(team.members.all()) == {lucia, pablo}
    assert_no_horizontal_overflow(page)
    _shot(page, "desk-teams", width)

    # Mail to the business's address is its case, owned by one of its two people.
    raw = make_mail(to="Sonrisa <hola@sonrisa.example>", subject="A toothache")
    inbound = store_inbound_email(raw=raw, source="pipe", enqueue=False)
    process_inbound_email(inbound_id=inbound.pk)
    case = Case.objects.get(subject="A toothache")
    assert case.brand == brand and case.owner in (lucia, pablo)


@pytest.mark.parametrize("width", [1440, 390])
def test_a_supervisor_adds_a_follow_up_policy_and_switches_it_off(
    page: Page, live_server: LiveServer, world: World, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, world.supervisor)
    page.goto(f"{live_server.url}/supervisor/desk/follow-ups/")
    page.fill("#id_name", "Clinic visit")
    page.fill("#id_purpose", "Is the medicine working?")
    page.fill("#id_tags", "clinic-visit")
    page.select_option("#id_team", str(world.clinic.pk))
    page.fill("#id_delay_days", "1")
    page.fill("#id_at_time", "10:30")
    page.click("#policy-add")
    expect(page.locator("#flash")).to_contain_text("Follow-up policy Clinic visit added")
    row = page.locator("tr", has_text="Clinic visit")
    expect(row).to_contain_text("the next day at 10:30 their time, by phone")
    assert_no_horizontal_overflow(page)
    _shot(page, "desk-follow-ups", width)
    row.get_by_role("link", name="Clinic visit").click()
    page.uncheck("#id_active")
    page.click("#policy-save")
    expect(page.locator("#flash")).to_contain_text("saved (switched off)")
    assert_no_horizontal_overflow(page)
    _shot(page, "desk-follow-up", width)
