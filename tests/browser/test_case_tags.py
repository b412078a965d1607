"""Tags saved twice from one case page, while a colleague tags the case too: nothing is lost."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.cases.actions.assignment import set_tags
from rapport.cases.models import Case
from tests.browser.test_reply_flow import sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser


def test_tags_saved_from_a_page_keep_a_colleagues_tag(
    page: Page, live_server: LiveServer, world: World
) -> None:
    sign_in(page, live_server, world.agent)
    page.goto(f"{live_server.url}/cases/{world.case.pk}/")
    page.fill("#tags-input", "cough, mila")
    page.click("#tags-save")
    expect(page.locator("#case-header [data-tag='mila']")).to_be_visible()
    # Meanwhile Ben tags the case from his own page, which showed the two tags.
    set_tags(case=world.case, tags=["cough", "mila", "x-ray"], by=world.colleague)
    # Ana, on her page as it is, drops "mila": her change and Ben's tag both stand.
    page.fill("#tags-input", "cough")
    page.click("#tags-save")
    expect(page.locator("#case-header [data-tag='mila']")).to_have_count(0)
    expect(page.locator("#case-header [data-tag='x-ray']")).to_be_visible()
    expect(page.locator("#tags-input")).to_have_value("cough, x-ray")  # what the page now shows
    assert Case.objects.get(pk=world.case.pk).tags == ["cough", "x-ray"]
    shots = os.environ.get("RAPPORT_SHOTS_DIR")
    if shots:
        for width in (1440, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.locator("#tags").scroll_into_view_if_needed()
            page.screenshot(path=str(Path(shots) / f"case-tags-{width}.png"), full_page=False)
