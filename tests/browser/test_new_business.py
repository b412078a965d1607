"""The issue's proof: a supervisor sets up a new business in the browser (the business with its
address, a site, a team) and invites two agents, who join from the mailed links; a mail to the
business's address then lands with one of them. On a desktop and on a phone."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.cases.models import Case
from rapport.mail.actions.intake import process_inbound_email, store_inbound_email
from rapport.people.models import Agent, AgentState, Brand, Site, Team
from tests.browser.test_reply_flow import assert_no_horizontal_overflow, sign_in
from tests.conftest import World
from tests.mail.intake_helpers import make_mail

pytestmark = pytest.mark.browser
PEOPLE = (("Lucía Gómez", "lucia@sonrisa.example"), ("Pablo Ruiz", "pablo@sonrisa.example"))


def _shot(page: Page, name: str, width: int) -> None:
    if shots := os.environ.get("RAPPORT_SHOTS_DIR"):  # to look at the pages by eye
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{shots}/{name}-{width}.png", full_page=True)


def _join(browser: Browser, live_server: LiveServer, email: str, width: int) -> None:
    """The invited person follows the link in their mail, chooses a password and signs in."""
    [message] = [m for m in mail.outbox if m.to == [email]]
    link = re.search(r"https?://[^/\s]+(/welcome/\S+/)", str(message.body))
    assert link is not None, message.body
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}{link.group(1)}")
    password = f"{email} chose a long passphrase"
    page.fill("#id_password", password)
    page.fill("#id_again", password)
    page.click("#set-password")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")
    expect(page.locator("#current-agent")).to_be_visible()
    context.close()


@pytest.mark.parametrize("width", [1440, 390])
def test_a_new_business_with_a_site_a_team_and_two_invited_agents_gets_its_mail(
    page: Page, browser: Browser, live_server: LiveServer, world: World, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, world.supervisor)
    page.goto(f"{live_server.url}/supervisor/desk/")
    nav = page.locator("#supervisor-nav")
    nav.get_by_role("link", name="Businesses").click()
    page.fill("#id_name", "Sonrisa Dental")
    page.fill("#id_slug", "sonrisa")
    page.fill("#id_addresses", "hola@sonrisa.example")
    page.click("#brand-add")
    expect(page.locator("#flash")).to_contain_text("Sonrisa Dental added")
    brand = Brand.objects.get(slug="sonrisa")

    nav.get_by_role("link", name="Sites").click()
    page.fill("#id_name", "Madrid")
    page.select_option("#id_timezone", "Europe/Madrid")
    page.select_option("#id_country", "ES")
    page.select_option("#id_brand", str(brand.pk))
    page.click("#site-add")
    site = Site.objects.get(name="Madrid")
    expect(page).to_have_url(re.compile(rf"/supervisor/desk/sites/{site.pk}/$"))

    nav.get_by_role("link", name="Teams").click()
    page.fill("#id_name", "Sonrisa front desk")
    page.fill("#id_slug", "sonrisa-front")
    page.select_option("#id_brand", str(brand.pk))
    page.click("#team-add")
    expect(page.locator("#flash")).to_contain_text("Team Sonrisa front desk added")
    team = Team.objects.get(slug="sonrisa-front")

    nav.get_by_role("link", name="Agents").click()
    for name, email in PEOPLE:
        page.fill("#invite-name", name)
        page.fill("#invite-email", email)
        page.select_option("#invite-site", label="Madrid (Europe/Madrid)")
        page.check(f"#invite-teams input[value='{team.pk}']")
        page.fill("#invite-skills", "dental")
        page.click("#invite-send")
        expect(page.locator("#flash")).to_contain_text(f"{name} is invited")
    expect(page.locator("#invited-agents")).to_contain_text("Pablo Ruiz")
    assert_no_horizontal_overflow(page)
    _shot(page, "new-business-agents", width)
    for _, email in PEOPLE:
        _join(browser, live_server, email, width)
    page.reload()
    expect(page.locator("#agents-table")).to_contain_text("Lucía Gómez")
    expect(page.locator("#agents-table")).to_contain_text("Pablo Ruiz")
    joined = set(Agent.objects.filter(teams=team))
    assert {a.state for a in joined} == {AgentState.ACTIVE} and len(joined) == 2
    assert {a.site for a in joined} == {site}

    # Mail to the business's address is its case, owned by one of its two new people.
    raw = make_mail(to="Sonrisa <hola@sonrisa.example>", subject="A toothache")
    inbound = store_inbound_email(raw=raw, source="pipe", enqueue=False)
    process_inbound_email(inbound_id=inbound.pk)
    case = Case.objects.get(subject="A toothache")
    assert case.brand == brand and case.owner in joined and case.team == team
