"""An agent tells triage a case was not urgent with one click and sees it corrected."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.cases.models import Case
from rapport.triage.models import TriageCorrection
from tests.browser.test_reply_flow import sign_in
from tests.conftest import World
from tests.triage.helpers import clinic_case

pytestmark = pytest.mark.browser


def test_agent_clicks_not_urgent_and_sees_it_corrected(
    page: Page, live_server: LiveServer, world: World
) -> None:
    case = clinic_case(world)
    sign_in(page, live_server, world.agent)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator("#case-priority")).to_have_text("Urgent")
    page.click("#correct-urgent")
    expect(page.locator("#case-alerts")).to_contain_text("Triage corrected: not urgent.")
    corrected = page.locator("#triage-correct [data-signal='urgent'] .corrected-by")
    expect(corrected).to_contain_text("Urgent: no, corrected by Dr. Ana Ortiz")
    expect(page.locator("#correct-urgent")).to_have_text("Was urgent")
    expect(page.locator("#case-priority")).to_have_text("Normal")
    assert Case.objects.get(pk=case.pk).priority == "normal"
    assert TriageCorrection.objects.get().value is False
    shots = os.environ.get("RAPPORT_SHOTS_DIR")
    if shots:
        for width in (1440, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.locator("#triage").scroll_into_view_if_needed()
            page.screenshot(path=str(Path(shots) / f"triage-correct-{width}.png"), full_page=False)
