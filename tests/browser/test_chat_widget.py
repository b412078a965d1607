"""A customer chats at /chat/ while an agent answers from the case page; the customer's
network drops while the agent writes twice, and both replies arrive after it comes back, in
order, once.

The test's live server is pytest-django's WSGI server, which has no websockets: the customer's
client reaches every reply through its polling fallback (every 3 s while the socket is down),
the path a lost nudge also takes.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.chat.models import Conversation
from tests.browser.fixtures import DESKTOP, PHONE
from tests.browser.test_reply_flow import assert_no_horizontal_overflow, sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser

# Screenshots to look at by eye, when RAPPORT_SHOTS_DIR names a folder (e.g. /tmp/shots-widget).
SHOTS = os.environ.get("RAPPORT_SHOTS_DIR", "")
WAIT = 15_000  # the polling fallback's 3 s, with room for a slow machine


def agent_replies(page: Page, text: str) -> None:
    page.fill("#reply-text", text)
    page.click("#reply-send")
    expect(page.locator(".timeline-entry", has_text=text)).to_be_visible()


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def customer_lines(page: Page) -> list[str]:
    return page.locator("#chat-lines li .chat-text").all_inner_texts()


def test_a_customer_chats_with_a_named_agent_and_misses_nothing_offline(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    customer_context = browser.new_context(viewport=PHONE)
    agent_context = browser.new_context(viewport=DESKTOP)
    customer_context.set_default_timeout(WAIT)
    agent_context.set_default_timeout(WAIT)
    try:
        customer = customer_context.new_page()
        customer.goto(f"{live_server.url}/chat/")
        expect(customer.get_by_label("Your message")).to_be_visible()
        customer.get_by_label("Your message").fill("Hi, my puppy Mila is coughing at night.")
        customer.get_by_role("button", name="Send").click()
        mine = customer.locator("#chat-lines li.chat-in")
        expect(mine).to_have_count(1)
        expect(mine).to_contain_text("Delivered")  # stored, never claimed before

        conversation = Conversation.objects.get()
        owner = conversation.case.owner
        assert owner is not None

        agent = agent_context.new_page()
        sign_in(agent, live_server, owner)
        agent.goto(f"{live_server.url}/cases/{conversation.case_id}/")
        expect(agent.locator("body")).to_contain_text("my puppy Mila is coughing")
        agent_replies(agent, "Hello, I am here. Is she eating normally?")

        reply = customer.locator("#chat-lines li.chat-out", has_text="Is she eating normally?")
        # Over the test's WSGI server there is no socket: the fallback poll (every 3 s) brings
        # it; a loaded CI machine gets a few polls' grace.
        expect(reply).to_be_visible(timeout=15_000)
        expect(reply.locator(".chat-author")).to_have_text(owner.display_name)
        expect(customer.locator("#chat-agent")).to_contain_text(owner.display_name)
        for width, name in ((390, "phone"), (1440, "desktop")):
            customer.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
            shot(customer, f"chat-{name}")
            assert_no_horizontal_overflow(customer)

        customer_context.set_offline(True)
        expect(customer.locator("#chat-status")).to_have_text("Reconnecting…")
        agent_replies(agent, "First: keep her warm tonight.")
        agent_replies(agent, "Second: I will call you at nine.")
        customer.wait_for_timeout(3500)  # at least one failed poll while offline
        shot(customer, "chat-offline")
        customer_context.set_offline(False)

        expect(customer.locator("#chat-lines li", has_text="Second: I will call")).to_be_visible()
        expect(customer.locator("#chat-status")).to_be_hidden()
        texts = customer_lines(customer)
        first = [i for i, t in enumerate(texts) if t.startswith("First: keep her warm")]
        second = [i for i, t in enumerate(texts) if t.startswith("Second: I will call")]
        assert len(first) == 1 and len(second) == 1, texts
        assert first[0] < second[0], texts
        seqs = [
            int(s)
            for s in customer.locator("#chat-lines li").evaluate_all(
                "els => els.map(e => e.dataset.seq)"
            )
        ]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs), seqs
        shot(customer, "chat-after-offline")

        # A reload shows the whole conversation again, once (the token in the browser).
        customer.reload()
        expect(customer.locator("#chat-lines li", has_text="Second: I will call")).to_have_count(1)
        expect(customer.locator("#chat-lines li")).to_have_count(len(texts))
        assert re.search(r"keep her warm", " ".join(customer_lines(customer)))

        # The agent sees the customer's next line arrive live on the open case page, and the
        # answer to it goes out: a line the page showed is not one "written while you wrote".
        customer.get_by_label("Your message").fill("She ate a little rice.")
        customer.get_by_role("button", name="Send").click()
        arrived = agent.locator(".timeline-entry", has_text="She ate a little rice.")
        expect(arrived).to_be_visible(timeout=30_000)
        agent_replies(agent, "Good, rice is fine tonight.")
        expect(agent.locator("body")).not_to_contain_text("Your reply was not sent")
        answer = customer.locator("#chat-lines li.chat-out", has_text="rice is fine tonight")
        expect(answer).to_be_visible(timeout=15_000)
    finally:
        customer_context.close()
        agent_context.close()
