"""The desk answers 503 when its database was busy (nothing stored,
tests/chat/test_database_locked.py): the customer's chat line stays, reads "Not sent yet,
retrying…", and goes again by itself, stored once; the agent is told the reply was not sent,
their text still in the box."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Route, expect
from pytest_django.live_server_helper import LiveServer

from rapport.cases.models import Direction, Message
from rapport.chat.models import ChatEntry, EntryKind
from tests.browser.fixtures import DESKTOP, PHONE
from tests.browser.test_chat_widget import WAIT, shot
from tests.browser.test_reply_flow import sign_in
from tests.chat.conftest import chat_with_owner, write_lock_held
from tests.conftest import World

pytestmark = pytest.mark.browser

BUSY = {
    "error": {
        "code": "busy",
        "message": "The desk is busy right now: your message was not sent (nothing was saved).",
        "field": None,
    }
}


def test_a_line_the_busy_desk_refused_is_kept_and_sent_again_by_itself(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(WAIT)
    refused: list[str] = []

    def busy_once(route: Route) -> None:
        # The network's answer, as the server gives it when SQLite's lock timed out.
        if route.request.method == "POST" and not refused:
            refused.append(route.request.url)
            route.fulfill(status=503, headers={"Retry-After": "2"}, json=BUSY)
        else:
            route.continue_()

    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/chat/")
        page.get_by_label("Your message").fill("Is the rye in today?")
        page.get_by_role("button", name="Send").click()
        first = page.locator("#chat-lines li.chat-in")
        expect(first).to_contain_text("Delivered")

        page.route("**/chat/api/conversations/*/messages", busy_once)
        page.get_by_label("Your message").fill("And the spelt?")
        page.get_by_role("button", name="Send").click()
        line = page.locator("#chat-lines li.chat-in", has_text="And the spelt?")
        expect(line).to_contain_text("Not sent yet, retrying in 2 s")
        shot(page, "chat-busy-retrying")
        expect(line).to_contain_text("Delivered")
        assert len(refused) == 1
        texts = list(
            ChatEntry.objects.filter(kind=EntryKind.IN).values_list("message__text", flat=True)
        )
        assert texts.count("And the spelt?") == 1, texts
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
def test_the_agent_is_told_the_reply_was_not_sent_and_keeps_the_text(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    conversation, owner = chat_with_owner()
    url = f"/cases/{conversation.case_id}/reply/"
    text = "Give her the syrup twice a day."
    client = world.client_for(owner)

    def locked(route: Route) -> None:
        # The server's own answer with the write lock held (asked in-process: the live
        # server's connection would wait its full 10 s for the lock).
        with write_lock_held():
            answer = client.post(
                url, {"text": text, "channel": "chat"}, headers={"HX-Request": "true"}
            )
        route.fulfill(status=answer.status_code, headers=dict(answer.items()), body=answer.content)

    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(WAIT)
    try:
        page = context.new_page()
        sign_in(page, live_server, owner)
        page.goto(f"{live_server.url}/cases/{conversation.case_id}/")
        page.route(f"**{url}", locked)
        page.fill("#reply-text", text)
        page.click("#reply-send")
        alert = page.locator("#case-alerts")
        expect(alert).to_contain_text("your reply was not sent (nothing was saved)")
        expect(page.locator("#reply-text")).to_have_value(text)
        for width in (1440, 390):
            page.set_viewport_size({"width": width, "height": 900})
            shot(page, f"case-busy-{width}")
        assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()

        page.unroute(f"**{url}")
        page.click("#reply-send")
        expect(page.locator(".timeline-entry", has_text=text)).to_be_visible()
    finally:
        context.close()
