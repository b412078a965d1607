"""The contact page keeps what it is given on a new record; the customer's own person sees the
likely duplicate on the case, merges it in one click and verifies what they checked; a mail
whose sender failed authentication says so on the timeline. At desktop and phone widths."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from rapport.care.models import Promise
from rapport.people.models import Customer
from tests.browser.test_reply_flow import assert_no_horizontal_overflow, sign_in
from tests.conftest import World
from tests.mail.intake_helpers import ingest, make_mail

pytestmark = pytest.mark.browser

WIDTHS: dict[str, ViewportSize] = {
    "1440": {"width": 1440, "height": 900},
    "390": {"width": 390, "height": 844},
}


def shoot(page: Page, name: str) -> None:
    """Full-page screenshots for a person to look at, when RAPPORT_SHOTS_DIR names a folder."""
    folder = os.environ.get("RAPPORT_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_contact_page_then_one_click_merge(
    browser: Browser, live_server: LiveServer, world: World, width: str
) -> None:
    context = browser.new_context(viewport=WIDTHS[width])
    context.set_default_timeout(10_000)
    visitor = context.new_page()
    visitor.goto(f"{live_server.url}/contact/")
    visitor.fill("#id_name", "Maria Lopez")
    visitor.fill("#id_phone", "+34 699 111 222")
    visitor.fill("#id_email", "maria.lopez@example.com")
    visitor.fill("#id_about", "I have a new number; please call me about Mila.")
    shoot(visitor, f"contact-{width}")
    assert_no_horizontal_overflow(visitor)
    visitor.locator("#callback-request").click()
    expect(visitor.locator("body")).to_contain_text("Dr. Ben Hale will call you")
    shoot(visitor, f"contact-booked-{width}")
    context.close()

    promise = Promise.objects.select_related("customer").get()
    flagged = promise.customer
    assert flagged.pk != world.customer.pk

    context = browser.new_context(viewport=WIDTHS[width])
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, live_server, world.colleague)
    page.goto(f"{live_server.url}/cases/{promise.case_id}/")
    card = page.locator("#likely-duplicate")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Probably the same person as Maria Lopez")
    expect(page.locator("#identities .chip.unverified")).to_have_count(2)
    shoot(page, f"case-likely-duplicate-{width}")
    assert_no_horizontal_overflow(page)

    card.locator("#duplicate-merge").click()
    expect(page).to_have_url(re.compile(rf"/customers/{world.customer.pk}/$"))
    expect(page.locator("body")).to_contain_text("Maria L")
    assert Customer.objects.get(pk=flagged.pk).merged_into_id == world.customer.pk
    new_number = page.locator("#identities li", has_text="+34699111222")
    expect(new_number.locator(".chip.unverified")).to_be_visible()
    shoot(page, f"customer-merged-{width}")

    new_number.get_by_role("button", name="Verify").click()
    expect(page.locator("body")).to_contain_text("+34699111222 is verified")
    expect(
        page.locator("#identities li", has_text="+34699111222").locator(".chip.unverified")
    ).to_have_count(0)
    shoot(page, f"customer-verified-{width}")
    assert_no_horizontal_overflow(page)
    context.close()


def test_a_failed_sender_authentication_is_shown_on_the_message(
    page: Page, live_server: LiveServer, world: World, settings: Settings
) -> None:
    settings.RAPPORT_EMAIL_TRUSTED_AUTHSERV_IDS = ["mx.clinic.example"]
    result, _ = ingest(
        make_mail(
            subject=f"Re: Puppy coughing at night [#{world.case.pk}]",
            body="Please send Mila's records to my new address.",
            message_id="<spoof@evil.example>",
            headers={
                "Authentication-Results": "mx.clinic.example; spf=fail "
                "smtp.mailfrom=evil.example; dmarc=fail header.from=example.com"
            },
        )
    )
    assert result.case_id != world.case.pk
    sign_in(page, live_server, world.colleague)
    page.goto(f"{live_server.url}/cases/{result.case_id}/")
    expect(page.locator('.sender-auth[data-auth="fail"]')).to_have_text(
        "Sender authentication failed"
    )
    expect(page.locator("[data-auth-findings]")).to_contain_text("dmarc=fail")
    expect(page.locator("#likely-duplicate")).to_contain_text("Maria Lopez")
    shoot(page, "case-sender-auth-failed-1440")
