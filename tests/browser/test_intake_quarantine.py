"""A supervisor finds a quarantined mail on Mail intake, with the reason, and processes it again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.mail.actions.intake import process_inbound_emails, store_inbound_email
from rapport.mail.models import InboundEmail, InboundStatus
from tests.browser.fixtures import PHONE
from tests.browser.test_reply_flow import sign_in
from tests.conftest import World
from tests.mail.intake_helpers import make_mail

pytestmark = pytest.mark.browser


def _quarantined(settings_crashes: int = 3) -> InboundEmail:
    row = store_inbound_email(
        raw=make_mail(subject="Hostile headers", message_id="<q1@hostile.example>"),
        source="smtp",
        enqueue=False,
    )
    # Its worker died on it as often as allowed: the next attempt quarantines it.
    InboundEmail.objects.filter(pk=row.pk).update(
        attempts=settings_crashes, crashes=settings_crashes - 1, started_at=timezone.now()
    )
    process_inbound_emails(inbound_ids=[row.pk])
    row.refresh_from_db()
    assert row.status == InboundStatus.QUARANTINED
    return row


def test_a_quarantined_mail_is_shown_with_the_reason_and_processed_again(
    page: Page, live_server: LiveServer, world: World, tmp_path: Path, settings: object
) -> None:
    row = _quarantined()
    sign_in(page, live_server, world.supervisor)
    page.goto(f"{live_server.url}/mail/intake/")
    line = page.locator(f'tr[data-inbound-id="{row.pk}"]')
    expect(line).to_have_attribute("data-status", "quarantined")
    expect(line).to_contain_text("Quarantined")
    expect(line).to_contain_text("the worker stopped 3 times while processing this mail")
    shots = os.environ.get("RAPPORT_SHOTS_DIR")
    if shots:
        page.set_viewport_size({"width": 1440, "height": 900})
        page.screenshot(path=str(Path(shots) / "intake-quarantined-1440.png"), full_page=True)
        page.set_viewport_size(PHONE)
        page.screenshot(path=str(Path(shots) / "intake-quarantined-390.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 800})
    line.get_by_role("button", name="Process again").click()
    page.wait_for_load_state()
    row.refresh_from_db()
    assert (row.status, row.crashes) != (InboundStatus.QUARANTINED, 3)
    assert row.crashes == 0
