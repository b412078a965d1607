"""Surveys in the browser: a customer answers a CSAT 2/5 and the callback is on the relationship
owner's "Calls due today"; an NPS of 10 sends the thank-you (read from a real SMTP sink). The
survey page works without script, on a phone, with no console errors (the strict CSP)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from rapport.cases.actions.messages import reply
from rapport.cases.actions.status import resolve_case
from rapport.surveys.actions.sending import send_now
from rapport.surveys.links import survey_url
from rapport.surveys.models import Survey, SurveyKind, SurveyStatus
from tests.browser.test_reply_flow import assert_no_horizontal_overflow, sign_in
from tests.conftest import World
from tests.mail.smtp_sink import Sink, sink  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser

WIDE: ViewportSize = {"width": 1440, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
SHOTS = os.environ.get("RAPPORT_SHOTS_DIR", "")  # e.g. /tmp/shots-surveys: save what was seen


def shot(page: Page, name: str) -> None:
    """Looked at in both widths (no sideways scrolling on a phone), saved when asked."""
    for viewport in (WIDE, PHONE):
        page.set_viewport_size(viewport)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            path = Path(SHOTS) / f"{name}-{viewport['width']}.png"
            page.screenshot(path=str(path), full_page=True)
        if viewport is PHONE:
            assert_no_horizontal_overflow(page)
    page.set_viewport_size(WIDE)


def watch(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def sent(world: World, kind: str) -> Survey:
    """Ana answered Maria and resolved the case; the survey of `kind` sent at once."""
    reply(
        case=world.case,
        text="Give her the syrup twice a day; call us if it is worse.",
        by=world.agent,
    )
    resolve_case(case=world.case, by=world.agent)
    survey = Survey.objects.get(case=world.case, kind=kind)
    send_now(survey=survey, by=None, now=timezone.now())
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SENT
    return survey


@pytest.fixture
def any_hour(settings: Settings) -> None:
    """The browser runs on the real clock: no quiet hours or cool-down in the way."""
    settings.RAPPORT_SURVEY_QUIET_HOURS = "off"
    settings.RAPPORT_SURVEY_COOL_DOWN_DAYS = 0


def test_a_csat_of_two_puts_a_callback_on_the_owners_calls_due(
    browser: Browser, live_server: LiveServer, world: World, any_hour: None
) -> None:
    survey = sent(world, SurveyKind.CSAT)
    customer = browser.new_context(viewport=WIDE).new_page()
    errors = watch(customer)
    customer.goto(live_server.url + urlparse(survey_url(survey)).path)
    expect(customer.locator("h1")).to_have_text("How did we do?")
    expect(customer.locator("#survey")).to_contain_text("Dr. Ana Ortiz helped you")
    shot(customer, "csat-question")
    # Opening the page recorded nothing.
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.SENT
    customer.get_by_role("radio", name="2 Poor").check()
    customer.fill("#id_comment", "Nobody told me about the side effects")
    customer.fill("#id_thank", "Ana")
    shot(customer, "csat-chosen")
    customer.click("#survey-send")
    expect(customer.locator("#survey-thanks")).to_contain_text("Dr. Ben Hale will call you")
    shot(customer, "csat-thanks")
    assert errors == []

    ben = browser.new_context(viewport=WIDE).new_page()
    ben_errors = watch(ben)
    sign_in(ben, live_server, world.colleague)
    ben.click("#nav-calls")
    expect(ben).to_have_url(re.compile(r"/care/calls/$"))
    answered = Survey.objects.get(pk=survey.pk)
    assert answered.follow_up_promise_id is not None
    row = ben.locator(f'#calls-due [data-promise-id="{answered.follow_up_promise_id}"]')
    expect(row).to_contain_text("CSAT 2/5")
    expect(row).to_contain_text("side effects")
    expect(row.locator(".kind")).to_have_text("Callback")
    shot(ben, "calls-due-callback")
    ben.goto(f"{live_server.url}/cases/{world.case.pk}/")
    expect(ben.locator(f'#surveys-panel [data-survey-id="{survey.pk}"]')).to_contain_text("2/5")
    shot(ben, "case-surveys-card")
    assert ben_errors == []


@pytest.fixture
def referral_links(any_hour: None, settings: Settings) -> None:
    settings.RAPPORT_SURVEY_REFERRAL_LINKS = True


def test_an_nps_of_ten_sends_the_thank_you(
    browser: Browser,
    live_server: LiveServer,
    world: World,
    sink: Sink,  # noqa: F811 - the fixture
    referral_links: None,
) -> None:
    survey = sent(world, SurveyKind.NPS)
    customer = browser.new_context(viewport=WIDE).new_page()
    errors = watch(customer)
    customer.goto(live_server.url + urlparse(survey_url(survey)).path)
    expect(customer.locator("h1")).to_have_text("Would you recommend us?")
    shot(customer, "nps-question")
    customer.get_by_role("radio", name="10", exact=True).check()
    customer.fill("#id_comment", "Dr. Ortiz was wonderful at 3 am")
    customer.fill("#id_heard_from", "My sister Lucia")
    customer.click("#survey-send")
    expect(customer.locator("#survey-thanks")).to_contain_text("Thank you")
    shot(customer, "nps-thanks")
    assert errors == []

    def thank_you() -> list[str]:
        bodies = [r.message.get_body(("plain",)) for r in sink.received]
        return [
            b.get_content()
            for b in bodies
            if b is not None and "Thank you for telling" in b.get_content()
        ]

    expect(customer.locator("#survey-thanks")).to_be_visible()
    for _ in range(50):
        if thank_you():
            break
        customer.wait_for_timeout(100)
    [text] = thank_you()
    assert "Dr. Ben Hale" in text and "/surveys/r/" in text
    [received] = [
        r for r in sink.received if "Thank you for telling" in r.raw.decode(errors="replace")
    ]
    assert received.rcpt_tos == ["maria.lopez@example.com"]

    sam = browser.new_context(viewport=WIDE).new_page()
    sign_in(sam, live_server, world.supervisor)
    sam.click("#nav-surveys")
    expect(sam.locator("#figure-nps")).to_have_text("100")
    shot(sam, "results")
