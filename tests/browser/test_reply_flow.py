"""A person signs in, opens a case from the inbox, replies, and sees the signed reply."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.cases.models import Direction, Message
from rapport.people.models import Agent
from tests.conftest import PASSWORD, World, totp_code

pytestmark = pytest.mark.browser


def sign_in(page: Page, live_server: LiveServer, agent: Agent) -> None:
    """Password, and for a supervisor the code from their authenticator app."""
    device = (
        TOTPDevice.objects.get_or_create(user=agent.user, name="phone", confirmed=True)[0]
        if agent.is_supervisor
        else None
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", agent.user.username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    if device is not None:
        expect(page).to_have_url(re.compile(r"/login/code/"))
        page.fill("#id_code", totp_code(device))
        page.press("#id_code", "Enter")
    expect(page).not_to_have_url(re.compile(r"/login/"))
    page.wait_for_load_state()


def assert_no_horizontal_overflow(page: Page) -> None:
    overflow = page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const wide = [...document.querySelectorAll("body *")]
                .filter((el) => el.getBoundingClientRect().right > width + 1)
                .filter((el) => getComputedStyle(el).position !== "fixed")
                .slice(0, 5)
                .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                    + (el.className && typeof el.className === "string"
                        ? "." + el.className.trim().split(/\\s+/).join(".") : ""));
            return {scroll: document.documentElement.scrollWidth, width, wide};
        }"""
    )
    assert overflow["scroll"] <= overflow["width"], f"page overflows horizontally: {overflow}"


def test_agent_replies_and_sees_signed_reply(
    page: Page, live_server: LiveServer, world: World, screenshot_path: Path | None
) -> None:
    sign_in(page, live_server, world.agent)

    row = page.locator(f'[data-case-id="{world.case.pk}"]')
    expect(row).to_contain_text("Maria Lopez")
    row.get_by_role("link", name=re.compile("Puppy coughing at night")).click()
    expect(page).to_have_url(re.compile(rf"/cases/{world.case.pk}/$"))
    expect(page.locator(".timeline-entry").first).to_be_visible()
    expect(page.locator("body")).to_contain_text("Mila (10 weeks) has been coughing")

    page.fill("#reply-text", "Keep Mila warm tonight; I will call you tomorrow morning.")
    page.click("#reply-send")

    reply = page.locator(".timeline-entry", has_text="Keep Mila warm tonight")
    expect(reply).to_contain_text("— Dr. Ana Ortiz")
    expect(page.locator("#reply-text")).to_have_value("")

    sent = Message.objects.get(case=world.case, direction=Direction.OUTBOUND)
    assert sent.author == world.agent
    assert sent.text.endswith("— Dr. Ana Ortiz\nNight Clinic · +34 911 234 567")

    if screenshot_path is not None:
        page.screenshot(path=str(screenshot_path))


def test_anonymous_visitor_is_sent_to_sign_in(
    page: Page, live_server: LiveServer, world: World
) -> None:
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.locator("#id_username")).to_be_visible()


def test_outsider_sees_neither_the_row_nor_the_case(
    page: Page, live_server: LiveServer, world: World
) -> None:
    sign_in(page, live_server, world.outsider)
    expect(page.locator("[data-case-id]")).to_have_count(0)

    response = page.goto(f"{live_server.url}/cases/{world.case.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("#reply-text")).to_have_count(0)


def test_inbox_and_case_fit_a_phone_screen(
    phone_page: Page, live_server: LiveServer, world: World
) -> None:
    sign_in(phone_page, live_server, world.agent)
    row = phone_page.locator(f'[data-case-id="{world.case.pk}"]')
    expect(row).to_be_visible()
    assert_no_horizontal_overflow(phone_page)

    row.get_by_role("link", name=re.compile("Puppy coughing at night")).click()
    expect(phone_page.locator("#reply-text")).to_be_visible()
    assert_no_horizontal_overflow(phone_page)
