"""Outside hours, the chat's customer is told honestly that nobody can answer, in an automatic
line, and asks for a call back from the chat: the promise lands on the chat's case, and the
chat tells them who will call and when, on their own clock. The clock is pinned (Sunday noon:
Ledgerly's one person works weekdays)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from rapport.care.models import Promise, PromiseKind
from rapport.chat.models import Conversation
from tests.browser.fixtures import PHONE
from tests.browser.test_chat_gaps import ledgerly_with_priya
from tests.browser.test_chat_widget import shot
from tests.browser.test_reply_flow import assert_no_horizontal_overflow
from tests.conftest import World

pytestmark = pytest.mark.browser

SUNDAY_NOON = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
WAIT = 15_000


def test_outside_hours_the_customer_is_told_and_books_a_call_back_on_the_case(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    priya = ledgerly_with_priya()
    context = browser.new_context(viewport=PHONE, timezone_id="Europe/Madrid")
    context.set_default_timeout(WAIT)
    errors: list[str] = []
    try:
        with time_machine.travel(SUNDAY_NOON, tick=True):
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{live_server.url}/chat/?brand=ledgerly")
            expect(page.locator("#chat-queue")).to_contain_text("Nobody can answer right now")
            page.get_by_label("Your message").fill("My invoice shows the wrong VAT number.")
            page.get_by_role("button", name="Send").click()

            told = page.locator("#chat-lines li.chat-system").first
            expect(told).to_contain_text("We are outside our hours: nobody can answer right now.")
            expect(told).to_contain_text("Monday 11 January at 10:00 (Europe/Madrid)")
            expect(told.locator(".chat-author")).to_have_text("Automatic message")
            expect(page.locator("#chat-agent")).not_to_contain_text("talking with")
            expect(page.locator("#offer-callback")).to_be_visible()
            expect(page.locator("#offer-email")).to_be_visible()
            for width, name in ((390, "phone"), (1440, "desktop")):
                page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
                shot(page, f"nobody-free-{name}")
                assert_no_horizontal_overflow(page)
            page.set_viewport_size(PHONE)

            page.get_by_label("Call me back on").fill("+34 612 345 678")
            page.get_by_role("button", name="Call me back").click()
            booked = page.locator("#chat-lines li.chat-system", has_text="Call back booked")
            expect(booked).to_contain_text(
                "Priya will call you on +34612345678 Monday 11 January, 10:00 to 10:30 "
                "(Europe/Madrid)."
            )
            expect(page.locator("#offer-callback")).to_be_hidden()
            expect(page.locator("#offer-email")).to_be_visible()
            for width, name in ((390, "phone"), (1440, "desktop")):
                page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
                shot(page, f"callback-booked-{name}")
    finally:
        context.close()
    conversation = Conversation.objects.get()
    promise = Promise.objects.get()
    assert promise.case_id == conversation.case_id
    assert promise.kind == PromiseKind.CALLBACK and promise.owner_id == priya.pk
    assert errors == []
