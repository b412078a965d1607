"""Story 3, no robot trap, in the browser: a customer of a software business writes about a
serious glitch and says they just want a real person. From the first message they see the
phone number and a named person with an honest time to call them; the case is in front of that
person at once, marked urgent and wanting a person, with the reasons, and never goes to another
business's agent although that one is on shift and theirs is not."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from rapport.cases.models import Case
from rapport.lib.hours import DAY_KEYS
from rapport.people.actions.agents import create_agent
from rapport.people.models import Agent, Brand, Team
from tests.browser.fixtures import DESKTOP, PHONE
from tests.browser.test_reply_flow import sign_in
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.browser

TUESDAY_EVENING = datetime(2027, 1, 12, 21, 10, tzinfo=UTC)  # 16:10 in Toronto, 22:10 in Madrid


def test_no_robot_trap(browser: Browser, live_server: LiveServer, world: World) -> None:
    ledgerly = Brand.objects.create(name="Ledgerly", slug="ledgerly", phone="+1 416 555 0100")
    clinic = Brand.objects.create(name="Night Clinic", slug="night-clinic")
    Team.objects.filter(pk=world.clinic.pk).update(brand=clinic)
    support = Team.objects.create(name="Ledgerly Support", slug="ledgerly", brand=ledgerly)
    priya = create_agent(
        username="priya",
        display_name="Priya Shah",
        password=PASSWORD,
        timezone_name="America/Toronto",
    )
    support.members.add(priya)
    Agent.objects.filter(pk=priya.pk).update(
        working_hours={day: [["09:00", "17:00"]] for day in DAY_KEYS[:5]}
    )
    # The vets work around the clock; they must never get a software customer.
    with time_machine.travel(TUESDAY_EVENING, tick=True):
        customer = browser.new_context(viewport=PHONE, timezone_id="America/Toronto")
        page = customer.new_page()
        page.goto(f"{live_server.url}/contact/ledgerly/")
        expect(page.locator("h1")).to_contain_text("Talk to a person at Ledgerly")
        expect(page.locator("#support-phone")).to_have_attribute("href", "tel:+14165550100")
        page.fill("#id_name", "Jordan Kim")
        page.fill("#id_phone", "+1 416 555 0142")
        page.fill(
            "#id_about",
            "Your export wiped 40 invoices due today. I've tried the bot three times, "
            "I just want to talk to a real person.",
        )
        page.click("#callback-request")
        expect(page.locator("#callback-booked h1")).to_have_text("Priya Shah will call you")
        expect(page.locator("#callback-window")).to_contain_text(re.compile(r"\d\d:\d\d"))
        expect(page.locator("#callback-booked")).to_contain_text("+1 416 555 0100")
        customer.close()

        case = Case.objects.select_related("owner").get(subject__startswith="Call me back")
        assert case.owner_id == priya.pk and case.brand_id == ledgerly.pk
        assert case.triage["wants_human"] and case.triage["urgent"]

        agent = browser.new_context(viewport=DESKTOP, timezone_id="America/Toronto")
        page = agent.new_page()
        sign_in(page, live_server, priya)
        first = page.locator(".case-row").first
        expect(first).to_have_attribute("data-case-id", str(case.pk))
        expect(first.locator('[data-signal="wants_human"]')).to_be_visible()
        expect(first.locator('[data-signal="urgent"]')).to_be_visible()
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        expect(page.locator("#case-owner")).to_contain_text("Priya Shah")
        expect(page.locator("body")).to_contain_text("talk to a real person")
        agent.close()

        # Another business's agent on shift neither got it nor can open it.
        vet = browser.new_context(viewport=DESKTOP)
        page = vet.new_page()
        sign_in(page, live_server, world.agent)
        response = page.goto(f"{live_server.url}/cases/{case.pk}/")
        assert response is not None and response.status == 404
        vet.close()
