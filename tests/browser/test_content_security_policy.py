"""Every page of the desk runs under the strict CSP without one violation, and still works.

The crawl signs in as the supervisor (who sees every team) and as an agent on the demo world,
opens every page linked from the navigation (a few of each shape), and fails on any
`securitypolicyviolation` event, uncaught script error or dialog. The interactions that used
inline handlers before (confirm dialogs, forms emptied after an htmx post, the contact page's
time zone, composer tabs, keyboard help) are clicked through.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.demo import loading
from rapport.demo import world as demo
from rapport.people.models import RapportNote
from rapport.routing.actions.opening import open_case_with_message
from tests.browser.crawl import Watcher, crawl, sign_in
from tests.browser.fixtures import DESKTOP
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.browser

PUBLIC = ["/login/", "/contact/", "/api/v1/docs", "/no-such-page/"]
DESK = ["/", "/?view=team", "/?view=recent", "/customers/", "/care/calls/", "/notifications/"]
SUPERVISOR = [*DESK, "/supervisor/", "/supervisor/desk/", "/mail/intake/", "/outreach/"]


@pytest.fixture
def demo_desk(transactional_db: None) -> None:
    loading.load()


def test_public_pages_have_no_violation(page: Page, live_server: LiveServer) -> None:
    watcher = Watcher(page)
    findings = crawl(watcher, live_server.url, PUBLIC, per_shape=1, limit=10)
    assert findings.problems() == {}
    assert set(PUBLIC) <= {url.removeprefix(live_server.url) for url in findings.pages}
    assert findings.statuses[f"{live_server.url}/no-such-page/"] == 404


def test_every_page_a_supervisor_reaches_has_no_violation(
    page: Page, live_server: LiveServer, demo_desk: None
) -> None:
    sign_in(page, live_server.url, demo.SUPERVISOR, demo.PASSWORD)
    watcher = Watcher(page)
    findings = crawl(watcher, live_server.url, SUPERVISOR)
    assert findings.problems() == {}
    visited = {re.sub(r"\d+", "N", url.removeprefix(live_server.url)) for url in findings.pages}
    # The crawl really reached the pages behind the lists, not only the lists.
    assert {"/cases/N/", "/customers/N/", "/outreach/N/", "/outreach/tasks/N/"} <= visited
    assert len(findings.pages) > 30
    assert all(status < 500 for status in findings.statuses.values())


def test_every_page_an_agent_reaches_has_no_violation(
    page: Page, live_server: LiveServer, demo_desk: None
) -> None:
    sign_in(page, live_server.url, demo.AGENTS[0][0], demo.PASSWORD)
    watcher = Watcher(page)
    findings = crawl(watcher, live_server.url, DESK, per_shape=1)
    assert findings.problems() == {}
    assert len(findings.pages) > 10


def test_confirmations_ask_first_and_no_means_no(
    page: Page, live_server: LiveServer, world: World
) -> None:
    other = open_case_with_message(
        customer=world.customer,
        subject="Second question",
        channel="email",
        text="And one more thing.",
        by=None,
        owner=world.agent,
        team=world.clinic,
    ).case
    sign_in(page, live_server.url, world.agent.user.username, PASSWORD)
    watcher = Watcher(page, dismiss_dialogs=False)
    asked: list[str] = []

    def answer(accept: bool) -> None:
        def handle(dialog: Dialog) -> None:
            asked.append(dialog.message)
            if accept:
                dialog.accept()
            else:
                dialog.dismiss()

        page.once("dialog", handle)

    watcher.visit(f"{live_server.url}/customers/{world.customer.pk}/")
    page.fill("#rapport-note-text", "Prefers calls after 6pm")
    page.click("#rapport-note-add")
    note = page.locator(".rapport-note", has_text="Prefers calls after 6pm")
    expect(note).to_be_visible()
    answer(False)
    note.get_by_role("button", name="Delete").click()
    page.wait_for_timeout(300)
    assert asked == ["Delete this note?"]
    assert RapportNote.objects.filter(text="Prefers calls after 6pm").exists()
    answer(True)
    note.get_by_role("button", name="Delete").click()
    expect(note).to_have_count(0)

    watcher.visit(f"{live_server.url}/cases/{world.case.pk}/")
    page.locator("summary", has_text="Priority, owner, merge").click()
    answer(False)
    page.select_option("#merge-target", str(other.pk))
    page.click("#merge-save")
    page.wait_for_timeout(300)
    assert asked[-1].startswith(f"Merge {world.case.reference} into the chosen case?")
    world.case.refresh_from_db()
    assert world.case.merged_into_id is None
    watcher.collect()
    assert watcher.findings.problems() == {}


def test_htmx_forms_empty_after_success_and_tabs_and_help_work(
    page: Page, live_server: LiveServer, world: World
) -> None:
    sign_in(page, live_server.url, world.agent.user.username, PASSWORD)
    watcher = Watcher(page)
    watcher.visit(f"{live_server.url}/cases/{world.case.pk}/")
    expect(page.locator("#note-form")).to_be_hidden()
    page.click("#tab-note")
    expect(page.locator("#note-form")).to_be_visible()
    expect(page.locator("#reply-form")).to_be_hidden()
    page.fill("#note-text", "Called the lab; results on Monday.")
    page.click("#note-save")
    expect(page.locator(".timeline-entry", has_text="results on Monday")).to_be_visible()
    expect(page.locator("#note-text")).to_have_value("")
    page.locator("body").press("?")
    expect(page.locator("#shortcuts-help")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#shortcuts-help")).to_be_hidden()
    watcher.collect()
    assert watcher.findings.problems() == {}


def test_contact_page_sends_the_visitors_time_zone(
    browser: Browser, live_server: LiveServer
) -> None:
    context = browser.new_context(viewport=DESKTOP, timezone_id="America/New_York")
    try:
        page = context.new_page()
        watcher = Watcher(page)
        watcher.visit(f"{live_server.url}/contact/")
        expect(page.locator("#id_timezone")).to_have_value("America/New_York")
        assert watcher.findings.problems() == {}
    finally:
        context.close()
