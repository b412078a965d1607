"""The triage panel explains a learned hit at desktop and phone width: the words that weighed
most, the nearest examples behind a disclosure, why this contact, and which model decided."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.cases.models import Case
from tests.browser.test_reply_flow import sign_in
from tests.conftest import World
from tests.workspace.test_case_triage_panel import HOSTILE, LEARNED

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1440, 390])
def test_the_panel_explains_a_learned_hit(
    page: Page, live_server: LiveServer, world: World, width: int
) -> None:
    Case.objects.filter(pk=world.case.pk).update(triage=LEARNED)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, world.agent)
    page.goto(f"{live_server.url}/cases/{world.case.pk}/")
    panel = page.locator("#triage")
    expect(panel.locator("[data-learned='urgent']")).to_contain_text("score 0.91")
    expect(panel.locator(".learned-word").nth(1)).to_have_text(f"since {HOSTILE}")
    examples = panel.locator(".learned-examples li")
    expect(examples.first).to_be_hidden()
    panel.locator(".learned-examples summary").click()  # a disclosure: works without JS
    expect(examples.first).to_contain_text(f"My chest hurts {HOSTILE}")
    expect(panel.locator("#triage-contact-reason")).to_have_text(
        "It is urgent and the customer is upset."
    )
    expect(panel.locator("#triage-model")).to_contain_text("Read by the desk model, version 7")
    # Nothing of the panel runs off the side of a phone.
    box = panel.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shots = os.environ.get("RAPPORT_SHOTS_DIR")
    if shots:
        panel.scroll_into_view_if_needed()
        panel.screenshot(path=str(Path(shots) / f"case-triage-{width}.png"))
