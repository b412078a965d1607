"""An agent answers with a saved reply she edits: found with `s`, filled with the names, refused
while it is the template word for word, marked template / her own as she writes, a pasted
screenshot attached, and sent."""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.cases.actions.saved_replies import create_saved_reply
from rapport.cases.models import Direction, Message, SavedReply
from tests.browser.test_reply_flow import assert_no_horizontal_overflow, sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser

# A 1x1 PNG, as a screenshot tool would put it on the clipboard.
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()
TEMPLATE = (
    "Hi {customer_first_name},\n\nA cough at night is common in puppies; honey in warm water "
    "helps.\n\n{agent_first_name}"
)


def _shot(page: Page, name: str) -> None:
    """Saved where RAPPORT_SHOTS points (a folder), to look at the page; else nothing."""
    folder = os.environ.get("RAPPORT_SHOTS", "")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        if name.endswith("-1440"):
            page.set_viewport_size({"width": 1440, "height": 900})
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _on_the_case(page: Page, live_server: LiveServer, world: World, query: str = "") -> SavedReply:
    """The clinic's saved reply "Puppy cough"; Ana signed in, on Maria's case."""
    saved = create_saved_reply(
        title="Puppy cough", text=TEMPLATE, brand=None, team=world.clinic, by=world.supervisor
    )
    sign_in(page, live_server, world.agent)
    page.goto(f"{live_server.url}/cases/{world.case.pk}/{query.format(saved=saved.pk)}")
    return saved


def test_an_agent_answers_with_a_saved_reply_she_edits(
    page: Page, live_server: LiveServer, world: World
) -> None:
    saved = _on_the_case(page, live_server, world)

    page.keyboard.press("s")
    expect(page.locator("#saved-reply-q")).to_be_focused()
    page.keyboard.type("cough")
    expect(page.locator("#saved-reply-results")).to_contain_text("Puppy cough")
    page.keyboard.press("Enter")

    filled = "Hi Maria,\n\nA cough at night is common in puppies; honey in warm water helps.\n\nAna"
    expect(page.locator("#reply-text")).to_have_value(filled)
    expect(page.locator("#reply-text")).to_be_focused()
    expect(page.locator("#reply-marks")).to_be_visible()
    expect(page.locator("#reply-marks-status")).to_contain_text("Unchanged so far")
    expect(page.locator("#reply-marks-body mark.own")).to_have_count(0)

    page.click("#reply-send")
    expect(page.locator("#case-alerts")).to_contain_text("Make it personal before sending")
    expect(page.locator("#reply-text")).to_have_value(filled)
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()

    page.locator("#reply-text").press("End")
    page.keyboard.type(" Mila should sleep better tonight; I'll call you at 9.")
    own = page.locator("#reply-marks-body mark.own")
    expect(own.first).to_have_text("Mila")
    expect(page.locator("#reply-marks-status")).to_contain_text("words of your own")
    _shot(page, "composer-saved-reply-1440")

    page.evaluate(
        """(data) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const clipboard = new DataTransfer();
            clipboard.items.add(new File([bytes], "image.png", {type: "image/png"}));
            const area = document.getElementById("reply-text");
            area.dispatchEvent(new ClipboardEvent("paste", {clipboardData: clipboard,
                                                            bubbles: true, cancelable: true}));
        }""",
        PNG,
    )
    expect(page.locator("#reply-form [data-pasted]")).to_contain_text(
        re.compile(r"Attached: screenshot-[\d-]+T[\d-]+\.png")
    )

    page.click("#reply-send")
    sent = page.locator(".timeline-entry", has_text="sleep better tonight")
    expect(sent).to_contain_text("— Dr. Ana Ortiz")
    expect(sent.locator(".attachments")).to_contain_text("screenshot-")
    expect(page.locator("#reply-text")).to_have_value("")
    expect(page.locator("#reply-marks")).to_be_hidden()

    message = Message.objects.get(direction=Direction.OUTBOUND)
    assert message.saved_reply == saved and message.sent_unchanged is False
    # A browser posts a textarea's line breaks as CRLF.
    assert message.text.replace("\r\n", "\n").startswith(filled + " Mila should sleep better")
    [attachment] = message.attachments.all()
    assert attachment.filename.startswith("screenshot-") and attachment.size == len(
        base64.b64decode(PNG)
    )


def test_the_composer_and_the_page_fit_a_phone(
    phone_page: Page, live_server: LiveServer, world: World
) -> None:
    _on_the_case(phone_page, live_server, world, "?saved_reply={saved}")
    expect(phone_page.locator("#reply-marks")).to_be_visible()
    phone_page.locator("#reply-text").press("End")
    phone_page.keyboard.type(" See https://vet.example/cough-in-puppies-a-very-long-address")
    expect(phone_page.locator("#reply-marks-body mark.own").first).to_have_text("See")
    assert_no_horizontal_overflow(phone_page)
    _shot(phone_page, "composer-saved-reply-390")
    phone_page.goto(f"{live_server.url}/saved-replies/")
    expect(phone_page.locator("#saved-list")).to_contain_text("Puppy cough")
    assert_no_horizontal_overflow(phone_page)
    _shot(phone_page, "saved-replies-390")
