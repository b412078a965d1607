"""Sign-in as people click it: a supervisor's first sign-in sets up the app; lockout; reset.

With RAPPORT_SHOTS_DIR set, each step is saved there 1440 and 390 px wide, for a person to see.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.people.actions.security import issue_api_token
from tests.conftest import PASSWORD, World, totp_code

pytestmark = pytest.mark.browser
WIDTHS = (1440, 390)


def shoot(page: Page, name: str) -> None:
    folder = os.environ.get("RAPPORT_SHOTS_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or {"width": 1440, "height": 900}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    page.set_viewport_size(size)


def no_horizontal_overflow(page: Page) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width + 1, f"{page.url} is {wide}px wide at {width}px"


def qr_width(page: Page) -> int:
    """The QR image's width once loaded (polled here: the CSP forbids wait_for_function's eval)."""
    for _ in range(100):
        width = int(page.evaluate("document.getElementById('qr-code').naturalWidth"))
        if width:
            return width
        page.wait_for_timeout(100)
    return 0


def password_step(page: Page, live_server: LiveServer, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#sign-in")


def test_a_supervisor_sets_up_the_app_and_signs_in_with_a_code(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/login/")
    shoot(page, "01-login")
    password_step(page, live_server, "sam", PASSWORD)
    expect(page).to_have_url(re.compile(r"/account/two-factor/\?next="))
    expect(page.locator("#qr-code")).to_be_visible()
    assert qr_width(page) > 100  # the image arrived and is a picture
    expect(page.locator("#two-factor-required")).to_be_visible()
    no_horizontal_overflow(page)
    shoot(page, "02-two-factor-setup")
    device = TOTPDevice.objects.get(user=world.supervisor.user, confirmed=False)
    page.fill("#id_code", "000000")
    page.click("#confirm-app")
    expect(page.locator("#code-error")).to_be_visible()
    page.wait_for_timeout(1100)  # a wrong code makes the next one wait a second
    page.fill("#id_code", totp_code(device))
    page.click("#confirm-app")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("#flash")).to_contain_text("authenticator app is set up")

    issue_api_token(agent=world.colleague, name="Ben's CRM sync")
    page.goto(f"{live_server.url}/supervisor/security/")
    expect(page.locator("#audit-table")).to_contain_text("Authenticator app set up")
    no_horizontal_overflow(page)
    shoot(page, "03-security")
    page.close()


def test_an_agent_is_locked_out_and_gets_back_in_by_email(
    browser: Browser, live_server: LiveServer, world: World, settings: Any
) -> None:
    settings.SITE_URL = live_server.url
    world.agent.user.email = "ana@clinic.example"
    world.agent.user.save(update_fields=["email"])
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    for i in range(5):
        password_step(page, live_server, "ana", f"wrong-{i}")
    expect(page.locator("#locked-out")).to_contain_text("Sign-in is locked for 15 minutes")
    no_horizontal_overflow(page)
    shoot(page, "04-locked-out")
    page.click("#locked-reset")
    page.fill("#id_email", "ana@clinic.example")
    shoot(page, "05-reset-ask")
    page.click("#send-reset")
    expect(page.locator("#reset-sent")).to_be_visible()
    shoot(page, "06-reset-sent")
    link = re.search(r"(http://\S+/password-reset/\S+/)", str(mail.outbox[-1].body))
    assert link is not None
    page.goto(link.group(1))
    shoot(page, "07-new-password")
    page.fill("#id_new_password1", "a brand new passphrase")
    page.fill("#id_new_password2", "a brand new passphrase")
    page.click("#set-password")
    expect(page.locator("#reset-complete")).to_be_visible()
    page.click("#to-sign-in")
    password_step(page, live_server, "ana", "a brand new passphrase")
    expect(page).to_have_url(f"{live_server.url}/")
    page.click("#current-agent")
    page.fill("#id_name", "Reporting")
    page.click("#create-token")
    expect(page.locator("#new-token")).to_contain_text("rp_")
    no_horizontal_overflow(page)
    shoot(page, "08-account")
    page.close()
