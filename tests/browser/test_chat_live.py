"""A live chat behind `rapport serve` with Redis, both sides in real browsers: the agent typing a
reply is shown to the customer ("Priya is typing…"), the customer typing is shown on the agent's
case page ("Maria is typing…"), each goes by itself; the agent's page having shown the
customer's line makes it read "Seen" in the chat, and the customer's screen having shown the
reply makes it "Read in the chat" on the case page."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from rapport.cases.actions.assignment import assign_case
from rapport.chat.models import Conversation
from rapport.people.actions.agents import create_agent
from tests.browser.fixtures import PHONE
from tests.browser.test_live_socket import _as_the_worker, desk
from tests.browser.test_reply_flow import sign_in
from tests.conftest import PASSWORD, World
from tests.scale import conftest as scale

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
redis_url = scale.redis_url
__all__ = ["desk", "redis_url"]  # fixtures, imported for pytest

SHOTS = os.environ.get("RAPPORT_SHOTS_DIR", "")
WAIT = 10_000


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def _signed_in(browser: Browser, world: World, agent: Any, base: str, viewport: Any) -> Page:
    client = world.client_for(agent)
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(WAIT)
    name = django_settings.SESSION_COOKIE_NAME
    context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": base}])
    return context.new_page()


WIDE: ViewportSize = {"width": 1440, "height": 900}


def _maria_asks(browser: Browser, base: str, viewport: Any) -> Page:
    """Maria starts a chat at /chat/; her line is stored ("Delivered")."""
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(WAIT)
    customer = context.new_page()
    customer.goto(f"{base}/chat/")
    customer.get_by_text("Your name and email (optional)").click()
    customer.get_by_label("Name", exact=True).fill("Maria")
    customer.get_by_label("Your message").fill("Is the clinic open tonight?")
    customer.get_by_role("button", name="Send").click()
    expect(customer.locator("#chat-lines li.chat-in")).to_contain_text("Delivered")
    return customer


def _priya_has_it(world: World) -> tuple[Any, Conversation]:
    """Priya of the clinic owns the chat's case (as the routing would have it)."""
    priya = create_agent(username="priya", display_name="Priya Shah", password=PASSWORD)
    world.clinic.members.add(priya)
    conversation = Conversation.objects.get()
    _as_the_worker(
        lambda: assign_case(
            case=conversation.case, owner=priya, by=None, team=world.clinic, tell_owner=False
        )
    )
    return priya, conversation


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1440", "390"])
def test_typing_both_ways_and_read_marks_between_two_browsers(
    browser: Browser, desk: str, world: World, viewport: Any
) -> None:
    customer = _maria_asks(browser, desk, viewport)
    mine = customer.locator("#chat-lines li.chat-in")
    priya, conversation = _priya_has_it(world)
    agent = _signed_in(browser, world, priya, desk, viewport)
    agent.goto(f"{desk}/cases/{conversation.case_id}/")
    expect(agent.locator("body")).to_have_attribute("data-live-socket", "up")
    expect(agent.locator("#timeline")).to_contain_text("Is the clinic open tonight?")
    # The agent's page showed her line: it reads Seen in her chat.
    expect(mine.locator(".chat-state")).to_have_text("Seen")

    # The agent types a reply: the customer is told, by the agent's first name.
    agent.fill("#reply-text", "Yes, until")
    typing = customer.locator("#chat-typing")
    expect(typing).to_have_text("Priya is typing…")
    _shot(customer, f"customer-sees-agent-typing-{viewport['width']}")
    expect(typing).to_have_text("", timeout=12_000)  # nobody says it again: gone by itself

    # An internal note being written is not the customer's business.
    agent.click("#tab-note")
    agent.fill("#note-text", "Check the rota")
    agent.wait_for_timeout(1_500)
    expect(typing).to_have_text("")

    # The customer types: the agent's case page says so, and it goes by itself.
    customer.get_by_label("Your message").press_sequentially("And tomor", delay=50)
    live = agent.locator("#presence-live")
    expect(live).to_have_text(re.compile(r"Maria is typing…"))
    _shot(agent, f"agent-sees-customer-typing-{viewport['width']}")
    expect(live).to_be_hidden(timeout=12_000)

    # The reply: delivered, and read once the customer's screen has shown it.
    agent.click("#tab-reply")
    agent.fill("#reply-text", "Yes, until midnight.")
    agent.click("#reply-send")
    expect(customer.locator("#chat-lines li.chat-out", has_text="until midnight")).to_be_visible()
    expect(typing).to_have_text("")
    state = agent.locator(".timeline-entry", has_text="Yes, until midnight.").locator(
        "[data-delivery]"
    )
    expect(state).to_have_text("Read in the chat")
    state.scroll_into_view_if_needed()
    _shot(agent, f"agent-reply-read-{viewport['width']}")
    _shot(customer, f"customer-seen-{viewport['width']}")
    agent.context.close()
    customer.context.close()


def test_without_websockets_the_customer_still_sees_the_agent_typing(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    """pytest-django's live server is WSGI: no socket on either side. The case page says the
    reply is being typed through its presence URL, and the chat's fallback poll (every 3 s)
    brings `agent_typing`."""
    customer = _maria_asks(browser, live_server.url, PHONE)
    priya, conversation = _priya_has_it(world)
    agent_context = browser.new_context(viewport=WIDE)
    agent_context.set_default_timeout(WAIT)
    agent = agent_context.new_page()
    sign_in(agent, live_server, priya)
    agent.goto(f"{live_server.url}/cases/{conversation.case_id}/")
    expect(agent.locator("#timeline")).to_contain_text("Is the clinic open tonight?")
    agent.locator("#reply-text").press_sequentially("Yes, until", delay=50)
    expect(customer.locator("#chat-typing")).to_have_text("Priya is typing…", timeout=12_000)
    agent_context.close()
    customer.context.close()
