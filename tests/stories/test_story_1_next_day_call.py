"""Story 1, the next-day call, in the browser: the night doctor records the visit, resolves it
with a follow-up call for tomorrow that she owns; the next day it is on her "calls due" list,
she logs the call and its outcome, and the customer sees the whole of it on the timeline."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from rapport.care.models import Outcome, Promise, PromiseKind, PromiseStatus
from rapport.cases.models import Call, Case, Status
from tests.browser.fixtures import DESKTOP, PHONE
from tests.browser.test_reply_flow import sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser

NIGHT = datetime(2027, 1, 11, 22, 30, tzinfo=UTC)  # Monday 23:30 in Madrid
NEXT_MORNING = datetime(2027, 1, 12, 8, 58, tzinfo=UTC)  # Tuesday 09:58 in Madrid


def test_the_next_day_call(browser: Browser, live_server: LiveServer, world: World) -> None:
    case = world.case  # the coughing puppy, logged by Dr. Ana Ortiz on the night shift
    with time_machine.travel(NIGHT, tick=True):
        context = browser.new_context(viewport=DESKTOP, timezone_id="Europe/Madrid")
        page = context.new_page()
        sign_in(page, live_server, world.agent)
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        expect(page.locator("#case-owner")).to_contain_text("Dr. Ana Ortiz")
        # She notes the visit, resolves the case and asks for a call tomorrow.
        page.click("#tab-note")
        page.fill("#note-text", "Kennel cough. Antibiotics for 7 days; honey in warm water.")
        page.click("#note-save")
        expect(page.locator("#timeline")).to_contain_text("Antibiotics for 7 days")
        page.select_option("#status-select", Status.RESOLVED)
        page.fill("#status-reason", "Seen tonight; meds given")
        page.click("#status-save")
        expect(page.locator("#case-status")).to_have_text(re.compile("Resolved"))
        page.click("#care-follow-up-tomorrow")
        follow_up = page.locator('#care-promise-list [data-promise-kind="follow_up"]')
        expect(follow_up).to_contain_text("Tue 12 Jan 10:00")
        expect(follow_up).to_contain_text("Europe/Madrid")
        expect(follow_up).to_contain_text("Dr. Ana Ortiz")
        context.close()

    promise = Promise.objects.get(case=case, kind=PromiseKind.FOLLOW_UP)
    assert promise.owner_id == world.agent.pk  # the doctor who helped, not the regular vet
    assert promise.due_at == datetime(2027, 1, 12, 9, 0, tzinfo=UTC)

    with time_machine.travel(NEXT_MORNING, tick=True):
        context = browser.new_context(viewport=PHONE, timezone_id="Europe/Madrid")
        page = context.new_page()  # the next day, on her phone
        sign_in(page, live_server, world.agent)
        page.goto(f"{live_server.url}/care/calls/")
        row = page.locator(f'#calls-due [data-promise-id="{promise.pk}"]')
        expect(row).to_contain_text("Maria Lopez")
        expect(row.locator("a[data-tel]")).to_have_attribute("href", "tel:+34612345678")
        row.locator(f'input[name="outcome"][value="{Outcome.REACHED_FINE}"]').check()
        row.locator("textarea[name=notes]").fill("Cough much better; told her to call any time.")
        row.get_by_role("button", name="Log call").click()
        expect(page.locator("body")).to_contain_text("Call with Maria Lopez logged")
        expect(page.locator("#no-calls")).to_be_visible()
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        expect(page.locator("#timeline")).to_contain_text("Cough much better")
        context.close()

    promise.refresh_from_db()
    assert promise.status == PromiseStatus.KEPT and not promise.late
    call = Call.objects.get(case=case, notes__startswith="Cough much better")
    assert call.agent_id == world.agent.pk
    assert Case.objects.get(pk=case.pk).status == Status.RESOLVED
