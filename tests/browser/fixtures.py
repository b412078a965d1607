"""Playwright driving Debian's Chromium against pytest-django's live server (fixtures for every
browser and story test, registered in tests/conftest.py).

Chromium comes from the system (`apt-get install chromium`, as .ci/run does); Playwright's own
browser downloads are not used. Without it a browser test is skipped locally and fails in CI.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import pytest
from playwright.sync_api import Browser, Page, Playwright, ViewportSize, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.conftest import missing_component

# Playwright's sync API runs an asyncio loop in this thread, so Django would refuse ORM calls
# from the test body; the test itself is synchronous, so allowing them is safe here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("RAPPORT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        reason = f"Chromium not found at {CHROMIUM} (install it: apt-get install chromium)"
        missing_component(reason)
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@contextmanager
def _new_page(browser: Browser, viewport: ViewportSize) -> Iterator[Page]:
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A desktop-sized page (1280x800) in a fresh browser context (no cookies)."""
    with _new_page(browser, DESKTOP) as new_page:
        yield new_page


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A phone-width page (390px, an iPhone 12-14) in a fresh browser context."""
    with _new_page(browser, PHONE) as new_page:
        yield new_page


@pytest.fixture
def screenshot_path() -> Path | None:
    """Where to save the README screenshot, when RAPPORT_SCREENSHOT=1 asks for one."""
    if os.environ.get("RAPPORT_SCREENSHOT", "").lower() not in {"1", "true", "yes"}:
        return None
    path = REPO_ROOT / "docs" / "screenshot.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


class _LiveServerGate:
    """The live server's application, counting the requests it is answering, shut between tests.

    A browser closed at the end of a test can leave requests in flight (a page's last poll or
    read mark). The database is then flushed under them: on PostgreSQL the flush's TRUNCATE and
    such a request wait on each other's locks past `lock_timeout`, the flush fails and the next
    test starts on the last one's rows. So a test ends by shutting the gate (a request that comes
    later is answered 503 at once, touching nothing) and waiting for those in flight to finish;
    only then is the database flushed. A request counts until its response is closed, which is
    when Django lets go of its database connection.
    """

    DRAIN_SECONDS = 30

    def __init__(self, app: WSGIApplication) -> None:
        self._app = app
        self._changed = threading.Condition()
        self._in_flight = 0
        self._open = True

    @classmethod
    def around(cls, server: LiveServer) -> _LiveServerGate:
        httpd = server.thread.httpd
        app = httpd.get_app()
        if isinstance(app, cls):
            return app
        assert app is not None, "the live server has no application yet"
        gate = cls(app)
        httpd.set_app(gate)
        return gate

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        with self._changed:
            if not self._open:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"Between tests: the live server takes no requests."]
            self._in_flight += 1
        try:
            body = self._app(environ, start_response)
        except BaseException:
            self._finished()
            raise
        return _ClosedThen(body, self._finished)

    def _finished(self) -> None:
        with self._changed:
            self._in_flight -= 1
            self._changed.notify_all()

    def open(self) -> None:
        with self._changed:
            self._open = True

    def shut_and_drain(self) -> None:
        with self._changed:
            self._open = False
            drained = self._changed.wait_for(lambda: self._in_flight == 0, self.DRAIN_SECONDS)
            left = self._in_flight
        if not drained:
            pytest.fail(
                f"the live server was still answering {left} request(s) "
                f"{self.DRAIN_SECONDS} s after the test ended"
            )


class _ClosedThen:
    """A response body that calls `then` once the server has closed it."""

    def __init__(self, body: Iterable[bytes], then: Callable[[], None]) -> None:
        self._body = body
        self._then: Callable[[], None] | None = then

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            then, self._then = self._then, None
            if then is not None:
                then()


@pytest.fixture(autouse=True)
def _live_server_quiet_before_the_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """For a test on the live server: its requests finished before its database is flushed."""
    if "live_server" not in request.fixturenames:
        yield
        return
    # The database first, so that it is torn down (flushed) after this fixture's teardown.
    request.getfixturevalue("transactional_db")
    gate = _LiveServerGate.around(request.getfixturevalue("live_server"))
    gate.open()
    yield
    gate.shut_and_drain()
