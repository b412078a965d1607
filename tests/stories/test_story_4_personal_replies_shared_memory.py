"""Story 4, personal replies and shared memory, in the browser.

A compliment email gets a personally written reply signed by a named agent within the hour. A
hard technical case passes through three agents at three sites over nine hours; each sees the
whole history, the attachment and what was tried. A case-maker ships a case without its wheels:
one call, the wheel kit ships next day with a credit recorded against the order, and the
customer's instrument dimensions are on file for the next order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import Browser, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from rapport.cases.models import Case, Message
from rapport.outreach.models import MakeGood
from rapport.people.actions.agents import create_agent, create_site
from rapport.people.actions.customers import create_customer
from rapport.people.actions.notes import add_asset
from rapport.people.models import Agent, Team
from rapport.routing.actions.opening import open_case
from tests.browser.fixtures import DESKTOP
from tests.browser.test_reply_flow import sign_in
from tests.conftest import PASSWORD, World
from tests.mail.intake_helpers import ingest, make_mail

pytestmark = pytest.mark.browser

MORNING = datetime(2027, 5, 4, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _files(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _as(browser: Browser, live_server: LiveServer, agent: Agent, zone: str) -> Page:
    page = browser.new_context(viewport=DESKTOP, timezone_id=zone).new_page()
    sign_in(page, live_server, agent)
    return page


def test_a_compliment_gets_a_personal_reply_within_the_hour(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    with time_machine.travel(MORNING, tick=True):
        result, _ = ingest(
            make_mail(
                subject="Thank you!",
                body="The night team were wonderful with Mila. Thank you so much!",
            )
        )
        assert result.case_id is not None
        case = Case.objects.select_related("owner").get(pk=result.case_id)
        assert case.owner_id == world.colleague.pk and case.triage["compliment"]
    with time_machine.travel(MORNING + timedelta(minutes=40), tick=True):
        page = _as(browser, live_server, world.colleague, "Europe/Madrid")
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        page.fill("#reply-text", "Maria, thank you — I'll pass it on to Ana. Give Mila a hug.")
        page.click("#reply-send")
        expect(page.locator("#timeline")).to_contain_text("Give Mila a hug")
        page.context.close()
    [sent] = mail.outbox
    assert sent.to == ["maria.lopez@example.com"]
    assert sent.body.startswith("Maria, thank you") and "— Dr. Ben Hale" in sent.body
    case.refresh_from_db()
    assert case.first_response_at is not None
    assert case.first_response_at - case.created_at < timedelta(hours=1)


def test_a_hard_case_through_three_agents_at_three_sites(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    sites = {
        name: create_site(name=name, timezone_name=zone)
        for name, zone in (
            ("Toronto", "America/Toronto"),
            ("Manila", "Asia/Manila"),
            ("Madrid", "Europe/Madrid"),
        )
    }
    team = Team.objects.create(name="Ledgerly Support", slug="ledgerly")
    people = [
        create_agent(
            username=username,
            display_name=name,
            password=PASSWORD,
            site=sites[site],
            timezone_name=sites[site].timezone,
        )
        for username, name, site in (
            ("priya", "Priya Shah", "Toronto"),
            ("dev", "Dev Patel", "Manila"),
            ("elena", "Elena Petrova", "Madrid"),
        )
    ]
    team.members.add(*people)
    customer = create_customer(
        name="Jordan Kim", by=None, identities=[("email", "jordan@kimdesign.example")]
    )
    with time_machine.travel(MORNING, tick=True):
        result, _ = ingest(
            make_mail(
                sender="Jordan Kim <jordan@kimdesign.example>",
                subject="Sync loses invoices",
                body="Every sync drops the last 3 invoices. Log attached.",
                attachments=[("sync.log", "text/plain", b"ERROR 500 at /sync/batch 17\n")],
            )
        )
    assert result.case_id is not None
    case = Case.objects.get(pk=result.case_id)
    Case.objects.filter(pk=case.pk).update(team=team, owner=people[0])
    assert case.customer_id == customer.pk
    tried = ["Cleared the sync cursor: no change.", "Batch 17 fails on a rounding check.", ""]
    for hour, (agent, note) in enumerate(zip(people, tried, strict=True)):
        with time_machine.travel(MORNING + timedelta(hours=4 * hour + 1), tick=True):
            page = _as(browser, live_server, agent, agent.timezone)
            page.goto(f"{live_server.url}/cases/{case.pk}/")
            # Everything so far is here: the message, the log and what was tried before.
            timeline = page.locator("#timeline")
            expect(timeline).to_contain_text("Every sync drops the last 3 invoices")
            expect(timeline.locator("a[data-attachment-id]")).to_have_text("sync.log")
            for earlier in tried[:hour]:
                expect(timeline).to_contain_text(earlier)
            if note:
                page.click("#tab-note")
                page.fill("#note-text", note)
                page.click("#note-save")
                expect(timeline).to_contain_text(note)
                page.click("details.more-controls summary")
                page.select_option("#owner-select", str(people[hour + 1].pk))
                page.fill("#owner-reason", f"Over to {people[hour + 1].display_name}")
                page.click("#owner-save")
                expect(page.locator("#case-owner")).to_contain_text(people[hour + 1].display_name)
            else:
                with page.expect_download() as download:
                    timeline.locator("a[data-attachment-id]").click()
                assert download.value.suggested_filename == "sync.log"
            page.context.close()
    assert Case.objects.get(pk=case.pk).owner_id == people[2].pk


def test_the_wheels_make_good_and_the_dimensions_on_file(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    workshop = Team.objects.create(name="Forte Cases Workshop", slug="workshop")
    jonas = create_agent(username="jonas", display_name="Jonas Weber", password=PASSWORD)
    workshop.members.add(jonas)
    musician = create_customer(
        name="Clara Moss", by=jonas, identities=[("phone", "+1 416 555 0177")], owner=jonas
    )
    add_asset(
        customer=musician,
        name="Cello dimensions",
        by=jonas,
        reference="Order 4471",
        attributes={"body length": "75.5 cm", "lower bout": "44 cm"},
    )
    case = open_case(
        customer=musician,
        subject="Case arrived without its wheels",
        channel="phone",
        text="My new case came without the wheel kit and I fly on Friday.",
        by=jonas,
        team=workshop,
    )
    page = _as(browser, live_server, jonas, "America/Toronto")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator("body")).to_contain_text("75.5 cm")  # on file for the next order
    page.click("#make-goods details summary")
    page.select_option("#mg-kind", "part_next_day")
    page.fill("#mg-description", "Wheel kit WK-7 sent express, arrives tomorrow")
    page.fill("#mg-reason", "missing part")
    page.fill("#mg-amount", "40")
    page.fill("#mg-currency", "CAD")
    page.click("#make-good-add")
    expect(page.locator("#make-goods")).to_contain_text("Wheel kit WK-7")
    page.context.close()
    made = MakeGood.objects.get()
    assert made.case_id == case.pk and made.kind == "part_next_day"
    assert str(made.amount) == "40.00" and made.currency == "CAD"
    assert Message.objects.filter(case=case).exists()
