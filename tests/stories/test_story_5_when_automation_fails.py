"""Story 5, when automation fails, in the browser (its first part): a customer repeats the same
request, by chat and then by mail on a new case; the loop is seen across both, the agent sees
"Going round in circles" with where it was said before, and a person steps in with a call.

The cancelled flight's outreach is walked in tests/browser/test_incident_board.py; the angry
public post waits for social listening (issue 18)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from rapport.cases.models import Call, Case
from rapport.routing.actions.opening import open_case
from tests.browser.fixtures import DESKTOP
from tests.browser.test_reply_flow import sign_in
from tests.conftest import World
from tests.mail.intake_helpers import ingest, make_mail

pytestmark = pytest.mark.browser

START = datetime(2027, 6, 7, 9, 0, tzinfo=UTC)
REQUEST = "The booking page keeps sending me back to the start when I pay for Mila's vaccine"


def test_a_customer_going_round_in_circles_is_seen_and_called(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    with time_machine.travel(START, tick=False):
        chat = open_case(customer=world.customer, subject="", channel="chat", text=REQUEST, by=None)
    with time_machine.travel(START + timedelta(minutes=20), tick=False):
        result, _ = ingest(make_mail(subject="Payment", body=REQUEST.lower() + "!!"))
    assert result.case_id is not None and result.case_id != chat.pk
    case = Case.objects.get(pk=result.case_id)
    assert case.triage["loop"] and case.priority in ("high", "urgent")
    with time_machine.travel(START + timedelta(minutes=25), tick=True):
        page = browser.new_context(viewport=DESKTOP).new_page()
        sign_in(page, live_server, world.colleague)  # Maria's own vet
        row = page.locator(f'.case-row[data-case-id="{case.pk}"]')
        expect(row.locator('[data-signal="loop"]')).to_be_visible()
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        expect(page.locator("body")).to_contain_text("Going round in circles")
        expect(page.locator("body")).to_contain_text(f"case #{chat.pk} by chat")
        # A person steps in: he calls her and logs it.
        page.click("#tab-call")
        page.select_option("#call-direction", "outbound")
        page.select_option("#call-outcome", "reached")
        page.fill("#call-notes", "Paid over the phone; booking confirmed.")
        page.click("#call-save")
        expect(page.locator("#timeline")).to_contain_text("booking confirmed")
        page.context.close()
    call = Call.objects.get(case=case)
    assert call.agent_id == world.colleague.pk and call.outcome == "reached"
