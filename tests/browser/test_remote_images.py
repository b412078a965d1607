"""A tracking pixel in a mail fires only when the agent chooses to load the images.

A real HTTP server on loopback stands in for the sender's image server and counts the
requests: opening the case must not reach it; "Load remote images" must, once, on a page that
runs no script.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.crawl import Watcher, sign_in
from tests.conftest import PASSWORD, World
from tests.mail.intake_helpers import ingest, make_mail

pytestmark = pytest.mark.browser

GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)


class PixelServer(ThreadingHTTPServer):
    hits: list[str]


class Pixel(BaseHTTPRequestHandler):
    server: PixelServer

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/gif")
        self.send_header("Content-Length", str(len(GIF)))
        self.end_headers()
        self.wfile.write(GIF)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def pixel_server() -> Iterator[PixelServer]:
    server = PixelServer(("127.0.0.1", 0), Pixel)
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_a_tracking_pixel_fires_only_when_the_agent_loads_the_images(
    page: Page, live_server: LiveServer, world: World, pixel_server: PixelServer
) -> None:
    pixel = f"http://127.0.0.1:{pixel_server.server_address[1]}/open.gif?m=42"
    result, _row = ingest(
        make_mail(
            subject="Spring offer",
            html=f'<p>Our <b>spring</b> offer</p><img src="{pixel}" alt="" width="1" height="1">',
        )
    )
    assert result.case_id is not None

    sign_in(page, live_server.url, world.supervisor.user.username, PASSWORD)
    watcher = Watcher(page)
    for _ in range(3):  # opened, reloaded: the sender learns nothing
        watcher.visit(f"{live_server.url}/cases/{result.case_id}/")
    expect(page.locator(".html-body b", has_text="spring")).to_be_visible()
    expect(page.locator(".blocked-image")).to_have_count(1)
    assert pixel_server.hits == []
    assert watcher.findings.problems() == {}

    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Load remote images").click()
    images = opened.value
    images.wait_for_load_state("networkidle")
    assert pixel_server.hits == ["/open.gif?m=42"]
    loaded = images.locator("#message-html img").evaluate("(img) => img.naturalWidth")
    assert loaded == 1
    assert images.evaluate("() => typeof window.htmx") == "undefined"
    # The desk's stylesheet still applies inside the sandbox.
    assert (
        images.locator("body").evaluate("(b) => getComputedStyle(b).fontFamily")
        != "Times New Roman"
    )
    images.locator("#back-to-case").click()
    expect(images).to_have_url(f"{live_server.url}/cases/{result.case_id}/")
    assert pixel_server.hits == ["/open.gif?m=42"]
