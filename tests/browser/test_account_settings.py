"""An agent sets up how she is told and how she signs, on her account page, in the browser:
email notifications, her signature and her photo (at desktop and phone widths)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from PIL import Image
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from rapport.people.actions.notifications import Choice, choices_of
from rapport.people.models import NoticeKind
from tests.browser.test_reply_flow import sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser


def _shot(page: Page, name: str) -> None:
    """Saved when RAPPORT_SHOTS names a folder: to look at the page, not to test it."""
    folder = os.environ.get("RAPPORT_SHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


@pytest.fixture(autouse=True)
def _files(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("width", [1440, 390])
def test_an_agent_chooses_her_notifications_signature_and_photo(
    page: Page, live_server: LiveServer, world: World, width: int
) -> None:
    User.objects.filter(pk=world.agent.user_id).update(email="ana@clinic.example")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, world.agent)
    page.goto(f"{live_server.url}/account/")
    expect(page.locator("#my-initials")).to_have_text("AO")
    _shot(page, f"account-{width}.png")

    page.check("input[name=email-assigned]")
    page.check("input[name=email-promise_due]")
    page.check("input[name=off-shift-promise_due]")
    page.click("#save-notifications")
    expect(page.locator(".alert.success, [role=status]").first).to_contain_text(
        "we email ana@clinic.example when a case is assigned to you"
    )
    expect(page.locator("input[name=email-assigned]")).to_be_checked()
    assert choices_of(world.agent)[NoticeKind.PROMISE_DUE] == Choice(True, True)

    page.fill("#id_signature", "Night Clinic\n+34 911 000 111")
    page.click("#save-signature")
    expect(page.locator("#id_signature")).to_have_value("Night Clinic\n+34 911 000 111")

    photo = io.BytesIO()
    Image.new("RGB", (640, 480), (31, 111, 120)).save(photo, format="JPEG")
    page.set_input_files(
        "#id_photo", {"name": "me.jpg", "mimeType": "image/jpeg", "buffer": photo.getvalue()}
    )
    page.click("#save-photo")
    image = page.locator("#my-photo")
    expect(image).to_be_visible()
    # Visible is not loaded: wait until the browser has the picture (or has given up on it).
    image.evaluate("img => img.complete || new Promise(done => img.onload = img.onerror = done)")
    assert image.evaluate("img => img.naturalWidth") == 256
    _shot(page, f"account-done-{width}.png")
