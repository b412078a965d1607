"""Live pages in the browser: an agent sees a colleague's reply appear on the case page while she
writes hers, and her send is held with the warning until she sends it as it is; a new case
appears in the inbox; polling pauses while the tab is hidden; a notification reaches the
browser's notifications once she turned them on."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.cases.actions.events import notify_agent
from rapport.cases.actions.messages import reply
from rapport.cases.models import Direction, Message, NotificationKind
from tests.browser.test_reply_flow import sign_in
from tests.conftest import World
from tests.workspace.helpers import new_team_case

pytestmark = pytest.mark.browser
NEW = re.compile(r"\blive-new\b")  # marked as arrived while the page was open


@pytest.fixture(autouse=True)
def _poll_every_second(settings: Any) -> None:
    settings.RAPPORT_LIVE_POLL_SECONDS = 1


def _mine(world: World) -> int:
    return Message.objects.filter(author=world.agent, direction=Direction.OUTBOUND).count()


def test_a_colleagues_reply_appears_and_holds_mine_until_i_send_it_as_is(
    page: Page, live_server: LiveServer, world: World
) -> None:
    sign_in(page, live_server, world.agent)
    page.goto(f"{live_server.url}/cases/{world.case.pk}/")
    page.fill("#reply-text", "Honey in warm water tonight.")

    theirs = reply(case=world.case, text="Bring Mila in at nine.", by=world.colleague)
    arrived = page.locator(f'#timeline [data-message-id="{theirs.pk}"]')
    expect(arrived).to_be_visible()  # without a reload
    expect(arrived).to_have_class(NEW)
    expect(arrived).to_contain_text("Bring Mila in at nine.")
    expect(page.locator("#reply-text")).to_have_value("Honey in warm water tonight.")

    page.click("#reply-send")
    held = page.locator("#case-alerts #reply-held")
    expect(held).to_contain_text("Your reply was not sent: Dr. Ben Hale replied")
    expect(held.locator(f'[data-message-id="{theirs.pk}"]')).to_contain_text("Bring Mila in")
    expect(page.locator("#reply-text")).to_have_value("Honey in warm water tonight.")
    assert _mine(world) == 0

    page.click("#reply-send")  # as it is
    expect(page.locator("#case-alerts")).to_contain_text("Reply queued to go out by email.")
    expect(page.locator("#reply-text")).to_have_value("")
    assert _mine(world) == 1


def test_a_new_case_appears_in_the_inbox_and_hidden_tabs_do_not_poll(
    page: Page, live_server: LiveServer, world: World
) -> None:
    sign_in(page, live_server, world.agent)
    page.goto(f"{live_server.url}/?view=team")
    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if "/live/inbox/" in r.url else None)
    new = new_team_case(world)
    row = page.locator(f'#case-list [data-case-id="{new.pk}"]')
    expect(row).to_be_visible()
    expect(row).to_have_class(NEW)
    assert all("view=team" in url for url in polls)

    page.evaluate(
        """() => {
            Object.defineProperty(document, "hidden", {configurable: true, get: () => true});
            document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    time.sleep(1.5)  # a poll already under way may still finish
    asked = len(polls)
    time.sleep(3)
    assert len(polls) == asked, "a hidden tab kept polling"
    page.evaluate(
        """() => {
            Object.defineProperty(document, "hidden", {configurable: true, get: () => false});
            document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    page.wait_for_timeout(500)
    assert len(polls) > asked, "coming back asks at once"


def test_notifications_reach_the_browser_once_turned_on(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.grant_permissions(["notifications"], origin=live_server.url)
    # Record what would be shown: the desktop itself is out of the test's reach.
    context.add_init_script(
        """(() => {
            const Real = window.Notification;
            window.shownNotifications = [];
            class Recorded extends Real {
                constructor(title, options) {
                    super(title, options);
                    window.shownNotifications.push(options.body);
                }
            }
            window.Notification = Recorded;
        })();"""
    )
    page = context.new_page()
    try:
        sign_in(page, live_server, world.agent)
        page.goto(f"{live_server.url}/")
        button = page.locator("#desktop-notifications")
        expect(button).to_have_text("Turn on desktop notifications")
        button.click()
        expect(button).to_have_text("Turn off desktop notifications")
        expect(button).to_have_attribute("aria-pressed", "true")
        expect(page.locator("#unread-count")).to_have_count(0)
        page.wait_for_timeout(1500)  # the baseline: what was unread before is not shown again
        notify_agent(
            agent=world.agent,
            kind=NotificationKind.HANDOVER,
            text="Dr. Ben Hale handed you #1.",
            case=world.case,
        )
        deadline = time.monotonic() + 10
        while not page.evaluate("() => window.shownNotifications.length"):
            assert time.monotonic() < deadline, "no notification was shown"
            page.wait_for_timeout(200)
        assert page.evaluate("() => window.shownNotifications") == ["Dr. Ben Hale handed you #1."]
        expect(page.locator("#unread-count")).to_have_text("1")  # the count, without a reload
        page.wait_for_timeout(2500)
        assert page.evaluate("() => window.shownNotifications.length") == 1, "shown once"
    finally:
        context.close()


def test_a_live_update_keeps_the_row_j_is_on_the_ticks_and_the_focus(
    page: Page, live_server: LiveServer, world: World
) -> None:
    earlier = new_team_case(world)
    sign_in(page, live_server, world.agent)
    page.goto(f"{live_server.url}/?view=team")
    page.keyboard.press("j")  # the first row: the earlier new case
    current = page.locator(f'#case-list [data-case-id="{earlier.pk}"]')
    expect(current).to_have_class(re.compile(r"\bcurrent\b"))
    page.click(f"#pick-{world.case.pk}")
    ticked = page.locator(f'#case-list [data-case-id="{world.case.pk}"]')
    expect(ticked).to_have_class(re.compile(r"\bpicked\b"))

    arrived = new_team_case(world)
    expect(page.locator(f'#case-list [data-case-id="{arrived.pk}"]')).to_have_class(NEW)
    expect(current).to_have_class(re.compile(r"\bcurrent\b"))
    expect(ticked).to_have_class(re.compile(r"\bpicked\b"))
    expect(page.locator(f"#pick-{world.case.pk}")).to_be_checked()
    expect(page.locator(f"#pick-{world.case.pk}")).to_be_focused()


def test_a_colleagues_reply_appears_even_when_each_poll_meets_a_presence_heartbeat(
    page: Page, live_server: LiveServer, world: World
) -> None:
    """The presence heartbeat (every 10 s, and while she types) is an htmx request too; it
    changes nothing the timeline shows, so a poll under way when it starts is still shown (it
    was thrown away: the first poll always met the heartbeat, so a reply took two polls)."""
    page.add_init_script(
        """(() => {
            const fetch = window.fetch;
            window.fetch = function (url, options) {
                if (String(url).includes("/live/") && !String(url).includes("notifications")) {
                    const presence = document.getElementById("presence");
                    if (presence && window.htmx) {
                        window.htmx.ajax("POST", presence.getAttribute("hx-post"),
                                         {source: presence, target: presence, swap: "innerHTML"});
                    }
                }
                return fetch.apply(this, arguments);
            };
        })();"""
    )
    sign_in(page, live_server, world.agent)
    page.goto(f"{live_server.url}/cases/{world.case.pk}/")
    page.fill("#reply-text", "Honey in warm water tonight.")
    theirs = reply(case=world.case, text="Bring Mila in at nine.", by=world.colleague)
    expect(page.locator(f'#timeline [data-message-id="{theirs.pk}"]')).to_be_visible()
