"""Story 2, the call that would not hang up, in the browser: a traveller in pain calls their
dentist; triage flags it urgent and upset; during the call the dentist refers them to a
specialist, books the appointment (the customer's email and .ics say the time the page said),
and a follow-up for the next day is on the list; later the customer's sister is recorded as
referred by them."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.core import mail
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from rapport.care.models import Appointment, Promise, PromiseKind, Referral, WordOfMouth
from rapport.people.actions.agents import create_agent
from rapport.people.actions.customers import create_customer
from rapport.routing.actions.opening import open_case
from tests.browser.fixtures import DESKTOP
from tests.browser.test_reply_flow import sign_in
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.browser

CALL = datetime(2027, 3, 1, 17, 40, tzinfo=UTC)  # Monday 18:40 in Madrid


def test_the_call_that_would_not_hang_up(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    dentist = world.outsider  # Olga Dent, of the dental team
    lee = create_agent(username="lee", display_name="Dr. Lee", password=PASSWORD)
    world.dental.members.add(lee)
    with time_machine.travel(CALL, tick=True):
        tom = create_customer(
            name="Tom Reed",
            by=dentist,
            identities=[("email", "tom.reed@example.com"), ("phone", "+44 20 7946 0958")],
            timezone_name="Europe/Madrid",
            owner=dentist,
        )
        case = open_case(
            customer=tom,
            subject="Toothache abroad",
            channel="phone",
            text="I'm travelling and the pain is unbearable, I can't sleep. This is an "
            "emergency, please help me today, I'm really upset nobody answered earlier.",
            by=dentist,
            team=world.dental,
        )
        assert case.triage["urgent"] and case.triage["upset"]
        context = browser.new_context(viewport=DESKTOP, timezone_id="Europe/Madrid")
        page = context.new_page()
        sign_in(page, live_server, dentist)
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        expect(page.locator("body")).to_contain_text("Urgent")

        page.click("#care-refer-link")
        page.select_option("#refer-agent", str(lee.pk))
        page.fill("#refer-situation", "Severe pain upper left molar, travelling")
        page.fill("#refer-tried", "Ibuprofen")
        page.fill("#refer-needs", "Root canal assessment tomorrow")
        page.select_option("#refer-urgency", "urgent")
        page.click("#refer-send")
        referral = Referral.objects.get()
        expect(page.locator("#referral-state")).to_be_visible()

        page.goto(f"{live_server.url}/care/cases/{case.pk}/appointment/")
        page.select_option("#appt-with-agent", str(lee.pk))
        page.fill("#appt-starts", "2027-03-02T09:00")
        page.fill("#appt-tz", "Europe/Madrid")
        page.fill("#appt-location", "Clínica Dental Sol, Calle Mayor 1, Madrid")
        page.fill("#appt-note", "Tom, Dr. Lee will see you first thing tomorrow.")
        page.click("#appointment-book")
        expect(page.locator("body")).to_contain_text("Dr. Lee")
        context.close()

    appointment = Appointment.objects.select_related("promise").get()
    assert appointment.promise.due_at == datetime(2027, 3, 2, 8, 0, tzinfo=UTC)
    [sent] = mail.outbox
    assert sent.to == ["tom.reed@example.com"]
    assert sent.body.startswith("Tom, Dr. Lee will see you first thing tomorrow.")
    assert "(Tuesday 2 March 2027, 09:00 Europe/Madrid)" in sent.body
    assert sent.body.split("\n\nYour case #")[0].rstrip().endswith("— Olga Dent")
    assert "/status/" in sent.body  # the link to the case, under what Olga wrote
    parsed = email.message_from_bytes(sent.message().as_bytes())
    [part] = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    [event] = icalendar.Calendar.from_ical(payload).walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2027, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Madrid"))
    follow_up = Promise.objects.get(case=case, kind=PromiseKind.FOLLOW_UP)
    assert follow_up.due_at.astimezone(ZoneInfo("Europe/Madrid")).date().isoformat() == "2027-03-03"
    assert referral.promise.case_id == case.pk

    # Weeks later Tom sends his sister; the dentist records who referred her.
    with time_machine.travel(datetime(2027, 4, 5, 10, 0, tzinfo=UTC), tick=True):
        context = browser.new_context(viewport=DESKTOP)
        page = context.new_page()
        sign_in(page, live_server, dentist)
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        page.click("#care-word-of-mouth summary")
        page.select_option("#wom-direction", "recommended")
        page.fill("#wom-name", "Anna Reed (his sister)")
        page.click("#wom-save")
        expect(page.locator("body")).to_contain_text("Anna Reed")
        context.close()
    recorded = WordOfMouth.objects.get()
    assert recorded.referrer_id == tom.pk and "Anna Reed" in recorded.referred_name
