"""The stories of DESIGN.md walked in Chromium as the personas would (tests/browser fixtures)."""

from tests.browser.conftest import browser, page, phone_page, playwright_instance

__all__ = ["browser", "page", "phone_page", "playwright_instance"]
