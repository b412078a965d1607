"""Playwright driving Debian's Chromium against pytest-django's live server (fixtures for every
browser and story test, registered in tests/conftest.py).

Chromium comes from the system (`apt-get install chromium`, as .ci/run does); Playwright's own
browser downloads are not used. Without it a browser test is skipped locally and fails in CI.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, ViewportSize, sync_playwright

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
