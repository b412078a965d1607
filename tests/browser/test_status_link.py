"""A customer opens the status link from the real email (SMTP on loopback), sees the public
messages only, replies with a file and asks for a call; after revocation or expiry the link
shows no case data, and a fresh one comes by email. At 1440 and 390 px, without a console error
under the enforced CSP and without a serious accessibility violation (axe-core). Screenshots
where RAPPORT_SHOTS_DIR says."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import Browser, FilePayload, Page, ViewportSize, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from rapport.care.models import Promise, PromiseKind
from rapport.cases.actions.messages import add_note, reply
from rapport.cases.actions.status_links import revoke_status_links
from rapport.cases.models import Direction, Message
from rapport.cases.status_links import status_link
from tests.browser.axe import assert_accessible
from tests.browser.test_reply_flow import assert_no_horizontal_overflow
from tests.conftest import World
from tests.mail.smtp_sink import Sink, sink

__all__ = ["sink"]
pytestmark = pytest.mark.browser

SHOTS = os.environ.get("RAPPORT_SHOTS_DIR", "")  # e.g. /tmp/shots-status: save what was seen
WIDE: ViewportSize = {"width": 1440, "height": 1000}
PHONE: ViewportSize = {"width": 390, "height": 844}
LINK = re.compile(r"(https?://\S+/status/[^/\s]+/)")
NOTE = "Internal: she sounded worried, ask Ben"


@pytest.fixture(autouse=True)
def _desk(settings: Settings, live_server: LiveServer, tmp_path: Path) -> None:
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = tmp_path


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@contextmanager
def _page(browser: Browser, viewport: ViewportSize, errors: list[str]) -> Iterator[Page]:
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        yield page
    finally:
        context.close()


def _mailed_link(sink: Sink) -> str:
    body = sink.received[-1].message.get_body(preferencelist=("plain",))
    assert body is not None
    found = LINK.search(body.get_content())
    assert found is not None
    return found.group(1)


def _assert_no_case_data(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    text = page.inner_text("body")
    for secret in ("Puppy", "Mila", "Ortiz", "honey", "Maria"):
        assert secret not in text


def test_a_customer_follows_the_link_from_the_mail_replies_and_asks_for_a_call(
    browser: Browser, world: World, sink: Sink
) -> None:
    reply(
        case=world.case,
        text="Give her a teaspoon of honey in warm water tonight.",
        by=world.agent,
        channel="email",
    )
    add_note(case=world.case, text=NOTE, by=world.agent)
    url = _mailed_link(sink)
    errors: list[str] = []

    with _page(browser, WIDE, errors) as page:
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Puppy coughing at night")
        expect(page.locator("#case-owner")).to_contain_text("Dr. Ana Ortiz looks after your case")
        expect(page.locator("#messages")).to_contain_text("teaspoon of honey")
        expect(page.locator("#messages")).to_contain_text("coughing since last night")
        assert NOTE not in page.inner_text("body")
        assert_accessible(page)
        _shot(page, "page-1440")

        page.get_by_label("Your message").fill("She coughs less today. Video attached.")
        video: FilePayload = {"name": "cough.mp4", "mimeType": "video/mp4", "buffer": b"video"}
        page.get_by_label("Files (optional)").set_input_files([video])
        page.get_by_role("button", name="Send").click()
        expect(page.locator("#notice")).to_contain_text("Your message is on your case")
        expect(page.locator("#messages")).to_contain_text("She coughs less today.")
        expect(page.get_by_role("link", name="cough.mp4")).to_be_visible()

        page.get_by_role("button", name="Call me").click()
        expect(page.locator("#notice")).to_contain_text("a named person will call you")
        expect(page.locator("#promises")).to_contain_text("will call you:")
        expect(page.locator("#call-booked")).to_be_visible()  # no second call offered
        expect(page.locator("#messages")).to_contain_text("(Europe/Madrid)")  # her own clock
        _shot(page, "after-call-1440")

    inbound = Message.objects.filter(case=world.case, direction=Direction.INBOUND).latest("pk")
    assert inbound.text == "She coughs less today. Video attached."
    assert [a.filename for a in inbound.attachments.all()] == ["cough.mp4"]
    assert Promise.objects.filter(case=world.case, kind=PromiseKind.CALLBACK).count() == 1

    with _page(browser, PHONE, errors) as page:
        page.goto(url)
        expect(page.locator("#promises")).to_contain_text("will call you:")
        assert_no_horizontal_overflow(page)
        sizes = page.eval_on_selector_all(
            "input:not([type=hidden]), textarea, button",
            "els => els.map(el => parseFloat(getComputedStyle(el).fontSize))",
        )
        assert sizes and min(sizes) >= 16, sizes
        assert_accessible(page)
        _shot(page, "page-390")

    revoke_status_links(case=world.case, by=world.agent)
    for viewport, name in ((WIDE, "1440"), (PHONE, "390")):
        with _page(browser, viewport, errors) as page:
            page.goto(url)
            _assert_no_case_data(page)
            assert_accessible(page)
            _shot(page, f"revoked-{name}")

    # A fresh link, by email, to the case's own address only.
    with _page(browser, PHONE, errors) as page:
        page.goto(url)
        page.get_by_label("Your email address").fill("maria.lopez@example.com")
        page.get_by_role("button", name="Send me a fresh link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
        assert_accessible(page)
        _shot(page, "fresh-sent-390")
        fresh = _mailed_link(sink)
        assert fresh != url
        assert sink.received[-1].rcpt_tos == ["maria.lopez@example.com"]
        page.goto(fresh)
        expect(page.locator("#messages")).to_contain_text("She coughs less today.")
    assert errors == []


def test_an_expired_link_shows_no_case_data(browser: Browser, world: World) -> None:
    url = status_link(world.case).url
    errors: list[str] = []
    later = status_link(world.case).expires_at + timedelta(hours=1)
    with time_machine.travel(later), _page(browser, PHONE, errors) as page:
        page.goto(url)
        _assert_no_case_data(page)
        _shot(page, "expired-390")
    assert errors == []
