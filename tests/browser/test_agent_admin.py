"""A supervisor invites an agent in the browser; the agent chooses a password from the mailed
link and signs in; the supervisor deactivates a colleague, whose case goes to the one chosen.
Readable on a phone as on a desktop."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.cases.models import Case
from tests.browser.test_reply_flow import assert_no_horizontal_overflow, sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser
NEW_PASSWORD = "the night shift passphrase"


def shot(page: Page, name: str, width: int) -> None:
    if shots := os.environ.get("RAPPORT_SHOTS_DIR"):  # to look at the page by eye
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{shots}/{name}-{width}.png", full_page=True)


@pytest.mark.parametrize("width", [1440, 390])
def test_invite_join_and_deactivate(
    page: Page, browser: Browser, live_server: LiveServer, world: World, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, world.supervisor)
    page.click("#nav-agents")
    expect(page).to_have_url(re.compile(r"/supervisor/agents/$"))
    page.fill("#invite-name", "Dr. Lena Park")
    page.fill("#invite-email", "lena@clinic.example")
    page.select_option("#invite-site", label="Night clinic (Europe/Madrid)")
    page.check(f"#invite-teams input[value='{world.clinic.pk}']")
    page.fill("#invite-skills", "dental, spanish")
    page.click("#invite-send")
    expect(page.locator("#flash")).to_contain_text("Dr. Lena Park is invited")
    expect(page.locator("#flash")).to_contain_text("queued to lena@clinic.example")
    expect(page.locator("#invited-agents")).to_contain_text("link sent")
    assert_no_horizontal_overflow(page)
    shot(page, "agents", width)

    [message] = mail.outbox
    link = re.search(r"https?://[^/\s]+(/welcome/\S+/)", str(message.body))
    assert link is not None, message.body
    lena = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    lena.goto(f"{live_server.url}{link.group(1)}")
    expect(lena.locator("h1")).to_have_text("Welcome, Dr. Lena Park")
    shot(lena, "welcome", width)
    lena.fill("#id_password", NEW_PASSWORD)
    lena.fill("#id_again", NEW_PASSWORD)
    lena.click("#set-password")
    expect(lena).to_have_url(re.compile(r"/login/"))
    expect(lena.locator("#flash")).to_contain_text("Your password is set. Welcome, Dr. Lena Park.")
    lena.fill("#id_username", "lena@clinic.example")
    lena.fill("#id_password", NEW_PASSWORD)
    lena.press("#id_password", "Enter")
    expect(lena.locator("#current-agent")).to_have_text("Dr. Lena Park")
    lena.context.close()

    page.goto(f"{live_server.url}/supervisor/agents/{world.agent.pk}/")
    expect(page.locator("#deactivate-form")).to_contain_text("Their 1 open case goes to")
    shot(page, "agent", width)
    page.select_option("#hand-over-to", label="Dr. Ben Hale")
    page.click("#agent-deactivate")
    expect(page.locator("#flash")).to_contain_text(
        "their work went on: 1 open case to Dr. Ben Hale"
    )
    expect(page.locator("#agent-state")).to_have_text("Deactivated")
    assert_no_horizontal_overflow(page)
    assert Case.objects.get(pk=world.case.pk).owner_id == world.colleague.pk
