"""The one script tag on a business's own site: a launcher opens the chat in an iframe."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from rapport.chat.models import Conversation
from rapport.people.models import Brand
from tests.browser.fixtures import PHONE
from tests.conftest import World

pytestmark = pytest.mark.browser


@contextmanager
def shop_site(html: str) -> Iterator[str]:
    """The business's own site: another origin on loopback, serving one page."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_script_tag_opens_the_brands_chat_in_a_frame(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    brand = Brand.objects.create(name="Night Clinic", slug="night-clinic", colour="#0f766e")
    host = (
        "<!doctype html><html><head><title>Shop</title></head><body><h1>The shop</h1>"
        f'<script src="{live_server.url}/chat/widget.js" data-brand="night-clinic"'
        ' data-position="left" async></script></body></html>'
    )
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(10_000)
    with shop_site(host) as site:
        brand.chat_origins = [site]
        brand.save(update_fields=["chat_origins"])
        page = context.new_page()
        page.goto(f"{site}/")
        launcher = page.get_by_role("button", name="Chat with us")
        expect(launcher).to_be_visible()
        box = launcher.bounding_box()
        assert box is not None and box["x"] < PHONE["width"] / 2  # data-position="left"
        launcher.click()
        expect(page.get_by_role("button", name="Close chat")).to_have_attribute(
            "aria-expanded", "true"
        )
        chat = page.frame_locator("#rapport-chat-frame")
        expect(chat.get_by_role("heading", name="Night Clinic")).to_be_visible()
        chat.get_by_label("Your message").fill("Do you see cats on Sundays?")
        chat.get_by_role("button", name="Send").click()
        expect(chat.locator("#chat-lines li.chat-in")).to_contain_text("Delivered")
        assert Conversation.objects.get().brand is not None
        if shots := os.environ.get("RAPPORT_SHOTS_DIR"):
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(shots) / "widget-phone.png"))
            page.set_viewport_size({"width": 1440, "height": 900})
            page.screenshot(path=str(Path(shots) / "widget-desktop.png"))
    context.close()
