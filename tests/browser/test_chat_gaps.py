"""The chat's leftovers walked in real browsers against the WSGI live server (no sockets: the
agent's case page and the customer's chat poll):

- outside hours the queue line says nobody is on shift and what the customer can have, and
  continuing by email is proven with the chat's code, typed in the same box;
- on shift, the agent's polling case page sees the customer typing, and after the agent's chat
  reply it says the reply is in the customer's chat (never "queued")."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from rapport.chat.models import Conversation, ConversationState
from rapport.lib.hours import DAY_KEYS
from rapport.people.actions.agents import create_agent
from rapport.people.models import Agent, Brand, Team
from tests.browser.test_chat_live import _signed_in
from tests.browser.test_chat_widget import SHOTS
from tests.browser.test_reply_flow import assert_no_horizontal_overflow
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.browser

SUNDAY_NOON = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
MONDAY_TEN = datetime(2027, 1, 11, 10, 0, tzinfo=UTC)
WAIT = 15_000
WIDE: ViewportSize = {"width": 1440, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


def shot(page: Page, name: str) -> None:
    """A screenshot to look at (RAPPORT_SHOTS_DIR); the caret left alone, since hiding it
    injects a style the desk's policy refuses (a console error)."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), caret="initial", full_page=True)


def ledgerly_with_priya() -> Agent:
    """Ledgerly (and the Night Clinic beside it): Priya alone, weekdays 09:00 to 17:00 UTC."""
    brand = Brand.objects.create(name="Ledgerly", slug="ledgerly", colour="#7c3aed")
    Brand.objects.create(name="Night Clinic", slug="night-clinic")
    support = Team.objects.create(name="Ledgerly Support", slug="ledgerly", brand=brand)
    priya = create_agent(username="priya", display_name="Priya Shah", password=PASSWORD)
    support.members.add(priya)
    Agent.objects.filter(pk=priya.pk).update(
        working_hours={day: [["09:00", "17:00"]] for day in DAY_KEYS[:5]}
    )
    return priya


def _customer(browser: Browser, base: str, viewport: ViewportSize, errors: list[str]) -> Page:
    context = browser.new_context(viewport=viewport, timezone_id="UTC")
    context.set_default_timeout(WAIT)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base}/chat/?brand=ledgerly")
    return page


def _say(page: Page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#chat-lines li.chat-in", has_text=text)).to_contain_text("Delivered")


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1440", "390"])
def test_outside_hours_the_line_is_honest_and_email_is_proven_by_the_code(
    browser: Browser, live_server: LiveServer, world: World, viewport: ViewportSize
) -> None:
    ledgerly_with_priya()
    errors: list[str] = []
    width = viewport["width"]
    with time_machine.travel(SUNDAY_NOON, tick=True):
        page = _customer(browser, live_server.url, viewport, errors)
        _say(page, "My invoice shows the wrong VAT number.")
        queue = page.locator("#chat-queue")
        expect(queue).to_contain_text("We are outside our hours: nobody can answer right now.")
        expect(queue).to_contain_text("You can ask us to call you back, or continue by email")
        expect(queue).not_to_contain_text("number 1")
        shot(page, f"gaps-outside-hours-{width}")
        assert_no_horizontal_overflow(page)

        page.get_by_label("Answer me by email at").fill("maria@example.com")
        page.get_by_role("button", name="Answer by email").click()
        expect(page.locator("#chat-lines li.chat-system").last).to_contain_text(
            "We sent a code to maria@example.com. Type it below"
        )
        code_box = page.locator("#chat-verify-code")
        expect(code_box).to_be_visible()
        expect(page.locator("#chat-verify-note")).to_contain_text("We sent a code to")
        shot(page, f"gaps-email-code-{width}")
        assert_no_horizontal_overflow(page)
        found = re.search(r"\b\d{6}\b", str(mail.outbox[-1].subject))
        assert found is not None
        page.get_by_label("The code from the email").fill(found.group())
        page.get_by_role("button", name="Check the code").click()
        expect(page.locator("#chat-lines li.chat-system").last).to_contain_text(
            "From now on a person answers you by email at maria@example.com"
        )
        expect(page.locator("#chat-verify")).to_contain_text("is verified")
        shot(page, f"gaps-email-proven-{width}")
        page.context.close()
    assert Conversation.objects.get().state == ConversationState.ENDED
    assert errors == []


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1440", "390"])
def test_the_polling_case_page_sees_the_customer_type_and_says_where_the_reply_went(
    browser: Browser, live_server: LiveServer, world: World, viewport: Any
) -> None:
    priya = ledgerly_with_priya()
    errors: list[str] = []
    width = viewport["width"]
    with time_machine.travel(MONDAY_TEN, tick=True):
        customer = _customer(browser, live_server.url, viewport, errors)
        _say(customer, "Is my refund on its way?")
        conversation = Conversation.objects.get()
        agent = _signed_in(browser, world, priya, live_server.url, viewport)
        agent.on(
            "console", lambda m: errors.append(f"agent: {m.text}") if m.type == "error" else None
        )
        agent.goto(f"{live_server.url}/cases/{conversation.case_id}/")
        assert agent.locator("body").get_attribute("data-desk-socket") is None  # WSGI: polls
        customer.get_by_label("Your message").press_sequentially("And the", delay=60)
        expect(agent.locator("#presence")).to_contain_text("is typing…")
        shot(agent, f"gaps-agent-sees-typing-{width}")
        agent.fill("#reply-text", "Yes: it left us this morning.")
        agent.click("#reply-send")
        alerts = agent.locator("#case-alerts")
        expect(alerts).to_contain_text("Reply delivered to the customer's chat")
        expect(alerts).not_to_contain_text("queued")
        shot(agent, f"gaps-agent-reply-delivered-{width}")
        assert_no_horizontal_overflow(agent)
        expect(customer.locator("#chat-lines li.chat-out")).to_contain_text("it left us")
        expect(customer.locator("#chat-lines li.chat-system")).to_contain_text("Priya has joined")
        shot(customer, f"gaps-customer-sees-reply-{width}")
        agent.context.close()
        customer.context.close()
    assert errors == [], errors[:2]


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1440", "390"])
def test_the_business_page_sets_the_chats_answer_minutes(
    browser: Browser, live_server: LiveServer, world: World, viewport: Any
) -> None:
    brand = Brand.objects.create(name="Ledgerly", slug="ledgerly")
    errors: list[str] = []
    page = _signed_in(browser, world, world.supervisor, live_server.url, viewport)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/supervisor/desk/brands/{brand.pk}/")
    minutes = page.get_by_label("Chat answered within (minutes)")
    expect(minutes).to_have_value("5")
    minutes.fill("0")
    page.click("#brand-save")
    expect(page.locator("body")).to_contain_text("from 1 to 240")
    shot(page, f"gaps-brand-minutes-refused-{viewport['width']}")
    assert_no_horizontal_overflow(page)
    page.get_by_label("Chat answered within (minutes)").fill("12")
    page.click("#brand-save")
    expect(page.locator("body")).to_contain_text("Ledgerly saved.")
    shot(page, f"gaps-brand-minutes-saved-{viewport['width']}")
    page.context.close()
    brand.refresh_from_db()
    assert brand.chat_answer_minutes == 12
    # The refused form's page is answered 400 on purpose; nothing else may go wrong.
    assert [e for e in errors if "status of 400" not in e] == []
