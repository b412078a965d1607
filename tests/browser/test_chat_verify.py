"""A returning visitor proves their email in the chat: they ask for a code, type a wrong one
(told how many tries are left), then the right one from the mail; the agent's case page then
says "Verified by email code" and the chat is on the customer's own timeline. A file of a kind
the chat does not take is refused before sending, and the words typed stay in the box."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.chat.models import Conversation
from tests.browser.test_reply_flow import assert_no_horizontal_overflow, sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("RAPPORT_SHOTS_DIR", "")
WIDE = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def watch_console(page: Page, errors: list[str]) -> None:
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["390", "1440"])
def test_a_returning_visitor_verifies_by_email_code_and_the_agent_sees_it(
    browser: Browser, live_server: LiveServer, world: World, viewport: dict[str, int]
) -> None:
    width = viewport["width"]
    errors: list[str] = []
    customer_context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    agent_context = browser.new_context(viewport=WIDE)  # type: ignore[arg-type]
    customer_context.set_default_timeout(15_000)
    agent_context.set_default_timeout(15_000)
    try:
        customer = customer_context.new_page()
        watch_console(customer, errors)
        customer.goto(f"{live_server.url}/chat/")
        panel = customer.locator("#chat-verify")
        expect(panel).to_be_hidden()  # no chat yet, nothing to verify
        customer.get_by_text("Your name and email (optional)").click()
        customer.get_by_label("Email", exact=True).fill("maria.lopez@example.com")
        customer.get_by_label("Your message").fill("Is Mila's prescription ready?")
        customer.get_by_role("button", name="Send").click()
        expect(customer.locator("#chat-lines li.chat-in")).to_contain_text("Delivered")
        expect(panel).to_be_visible()

        # A file the chat does not take: refused before sending, the typed words kept.
        customer.get_by_label("Your message").fill("Here is the old prescription")
        customer.locator("#chat-file").set_input_files(
            {"name": "prescription.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}
        )
        expect(customer.locator("#chat-problem")).to_contain_text(
            "“prescription.exe” cannot be sent here: this chat takes JPG"
        )
        expect(customer.get_by_label("Your message")).to_have_value("Here is the old prescription")
        expect(customer.locator("#chat-lines li")).to_have_count(1)

        customer.get_by_text("Written to us before?").click()
        expect(customer.get_by_label("Your email")).to_have_value("maria.lopez@example.com")
        customer.get_by_role("button", name="Email me a code").click()
        expect(customer.locator("#chat-verify-note")).to_have_text(
            "We sent a code to maria.lopez@example.com. Type it here to show the address is yours."
        )
        found = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body))
        assert found is not None
        code_box = customer.get_by_label("The code from the email")
        code_box.fill("000000" if found.group(1) != "000000" else "111111")
        customer.get_by_role("button", name="Check the code").click()
        expect(customer.locator("#chat-verify-note")).to_have_text(
            "That code is not right. 4 tries left."
        )
        shot(customer, f"chat-verify-code-{width}")
        assert_no_horizontal_overflow(customer)
        code_box.fill(found.group(1))
        customer.get_by_role("button", name="Check the code").click()
        expect(customer.locator("#chat-verify")).to_have_text(
            "Thank you: your email maria.lopez@example.com is verified."
        )
        shot(customer, f"chat-verify-done-{width}")
        customer.reload()
        expect(customer.locator("#chat-verify")).to_have_text(
            "Your email maria.lopez@example.com is verified."
        )

        conversation = Conversation.objects.get()
        case = conversation.case
        assert case.customer_id == world.customer.pk
        assert case.owner is not None
        agent = agent_context.new_page()
        watch_console(agent, errors)
        sign_in(agent, live_server, case.owner)
        agent.goto(f"{live_server.url}/cases/{case.pk}/")
        card = agent.locator("#chat-visitor")
        expect(card).to_contain_text("Verified by email code")
        expect(card).to_contain_text("maria.lopez@example.com")
        # One timeline: Maria's phone case is on the chat case's page too.
        expect(agent.locator("body")).to_contain_text("coughing since last night")
        if width == 1440:
            shot(agent, "chat-verify-agent-1440")
        # A console error (a CSP refusal included) fails the walk; the wrong code's 422 is the
        # browser logging the refused request it was meant to be.
        refused = "Failed to load resource: the server responded with a status of 422"
        assert [e for e in errors if not e.startswith(refused)] == []
        assert len(errors) == 1
    finally:
        customer_context.close()
        agent_context.close()
