"""The contact page in a browser, at a desktop's and a phone's width: whether a person can
answer now and the chat button, hours on the visitor's own clock (and the site's, named,
without script), the message form opening a case, and an accessibility audit (axe-core) of
the contact page, the chat and the other public pages: no serious or critical violation."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.cases.models import Case
from rapport.lib.hours import DAY_KEYS
from rapport.people.actions.branding import set_brand_logo
from rapport.people.models import Agent, Brand
from tests.browser.axe import assert_accessible
from tests.browser.test_reply_flow import assert_no_horizontal_overflow
from tests.conftest import World
from tests.images import png

pytestmark = pytest.mark.browser

WIDTHS = {"1440": {"width": 1440, "height": 900}, "390": {"width": 390, "height": 844}}
SHOTS = os.environ.get("RAPPORT_SHOTS_DIR", "")
VISITOR_ZONE = "America/New_York"


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def open_desk(world: World) -> World:
    """The clinic's people on shift around the clock; its site open weekdays in Madrid."""
    all_day = {day: [["00:00", "24:00"]] for day in DAY_KEYS}
    Agent.objects.filter(pk__in=[world.agent.pk, world.colleague.pk]).update(working_hours=all_day)
    world.night_site.working_hours = {day: [["09:00", "17:00"]] for day in DAY_KEYS[:5]}
    world.night_site.save(update_fields=["working_hours"])
    return world


def _context(browser: Browser, width: str, **options: object) -> BrowserContext:
    context = browser.new_context(viewport=WIDTHS[width], timezone_id=VISITOR_ZONE, **options)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    return context


def _watch(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


@pytest.mark.usefixtures("open_desk")
@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_visitor_sees_who_can_answer_on_their_clock_and_writes_to_us(
    browser: Browser, live_server: LiveServer, width: str, tmp_path: Path
) -> None:
    context = _context(browser, width)
    try:
        page = context.new_page()
        errors = _watch(page)
        page.goto(f"{live_server.url}/contact/")
        expect(page.locator("#reach-now")).to_contain_text("A person can answer a chat now")
        chat = page.locator("#chat-now")
        expect(chat).to_have_attribute("href", "/chat/")
        # The site's hours, converted to the visitor's zone by portal.js.
        mine = page.locator(".your-clock-line")
        expect(mine).to_contain_text(f"On your clock ({VISITOR_ZONE})")
        expect(page.locator(".zone-name")).to_contain_text("Europe/Madrid time")
        assert page.locator("input[name='message-timezone']").input_value() == VISITOR_ZONE
        assert_no_horizontal_overflow(page)
        shot(page, f"contact-{width}")
        assert_accessible(page)

        # A refused message keeps what was typed and says why; the audit holds there too.
        page.fill("#id_message-name", "Priya Nair")
        page.fill("#id_message-email", "priya-at-example")
        page.fill("#id_message-text", "My order arrived broken.")
        page.click("#message-send")
        expect(page.locator("#write .field-error")).to_contain_text("valid email address")
        expect(page.locator("#id_message-text")).to_have_value("My order arrived broken.")
        shot(page, f"contact-refused-{width}")
        assert_accessible(page)
        # The refusal is a 400, which Chromium logs as a failed load: expected, nothing else.
        assert [e for e in errors if "status of 400" not in e] == []
        errors.clear()

        photo = tmp_path / "broken.png"
        photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 200)
        page.fill("#id_message-email", "priya@example.org")
        page.set_input_files("#id_message-attachment", str(photo))
        page.click("#message-send")
        expect(page.locator("#message-received")).to_contain_text("We have your message")
        case = Case.objects.filter(origin_channel="web").get()
        expect(page.locator("#message-received")).to_contain_text(f"#{case.pk}")
        expect(page.locator("#who-answers")).to_contain_text(case.owner.display_name)  # type: ignore[union-attr]
        shot(page, f"contact-received-{width}")
        assert_accessible(page)

        page.goto(f"{live_server.url}/contact/")
        page.click("#chat-now")
        expect(page.get_by_label("Your message")).to_be_visible()
        shot(page, f"chat-{width}")
        assert_accessible(page)
        assert errors == []
    finally:
        context.close()


@pytest.mark.usefixtures("open_desk")
def test_without_script_the_sites_zone_is_shown_named(
    browser: Browser, live_server: LiveServer
) -> None:
    context = _context(browser, "390", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/contact/")
        expect(page.locator(".zone-name")).to_contain_text("(Europe/Madrid time: ")
        expect(page.locator(".your-clock").first).to_be_hidden()
        assert page.locator("input[name='message-timezone']").input_value() == ""
        shot(page, "contact-no-script-390")
    finally:
        context.close()


def test_nobody_free_hides_the_chat_and_says_when_people_are_next_in(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    Agent.objects.update(availability="away")
    context = _context(browser, "1440")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/contact/")
        expect(page.locator("#reach-now")).to_contain_text("Nobody can answer right now")
        expect(page.locator("#chat-now")).to_have_count(0)
        expect(page.locator("#no-chat")).to_be_visible()
        shot(page, "contact-nobody-1440")
        assert_accessible(page)
    finally:
        context.close()


PUBLIC_PAGES = [
    "/contact/",
    "/contact/night-clinic/",
    "/chat/?brand=night-clinic",
    "/login/",
    "/password-reset/",
]


@pytest.fixture
def branded(world: World) -> Iterator[Brand]:
    brand = Brand.objects.create(
        name="Night Clinic", slug="night-clinic", colour="#0b5d3b", accent_colour="#c2185b"
    )
    set_brand_logo(brand, data=png(480, 120, "#0b5d3b"), by=None)
    world.clinic.brand = brand
    world.clinic.save(update_fields=["brand"])
    yield brand


@pytest.mark.usefixtures("branded")
@pytest.mark.parametrize("width", list(WIDTHS))
def test_public_pages_pass_the_accessibility_audit(
    browser: Browser, live_server: LiveServer, width: str
) -> None:
    context = _context(browser, width)
    try:
        page = context.new_page()
        errors = _watch(page)
        for path in PUBLIC_PAGES:
            page.goto(f"{live_server.url}{path}")
            shot(page, f"public{path.replace('/', '-').replace('?', '-')}{width}")
            assert_accessible(page)
        assert errors == []
    finally:
        context.close()
