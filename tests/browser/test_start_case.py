"""An agent starts a case from a phone call: the number she types finds the customer before
anything is saved, she picks her, logs the call, and lands on the case with the call on it; a
caller nobody knows becomes a new customer from the same form, on a phone-sized screen too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from rapport.cases.models import Call, Case
from rapport.people.models import Customer
from tests.browser.test_reply_flow import assert_no_horizontal_overflow, sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser


def test_an_agent_starts_a_case_from_a_phone_call(
    page: Page, live_server: LiveServer, world: World
) -> None:
    sign_in(page, live_server, world.agent)
    page.click("#nav-new-case")
    expect(page).to_have_url(re.compile(r"/cases/new/$"))
    expect(page.locator("#start-inbound_call")).to_be_checked()  # a phone-first desk

    # Typed the way she heard it: the duplicate check finds Maria by her stored E.164 number.
    page.fill("#start-phone", "+34 612-345-678")
    match = page.locator(".start-match", has_text="Maria Lopez")
    # As she types: debounced, then fetched (allow a loaded test machine its time).
    expect(match).to_contain_text("phone +34612345678", timeout=20_000)
    match.get_by_role("link", name="Use Maria Lopez").click()
    expect(page.locator("#start-picked")).to_contain_text("New case for Maria Lopez")
    expect(page.locator("#new-customer")).to_be_hidden()
    page.click("#start-unpick")  # not her after all: back to typing, nothing lost
    expect(page.locator("#start-phone")).to_have_value("+34 612-345-678")
    expect(page.locator("#start-customer")).to_have_value("")
    match.get_by_role("link", name="Use Maria Lopez").click()
    expect(page.locator("#start-picked")).to_contain_text("New case for Maria Lopez")

    expect(page.locator("#start-outcome")).to_be_visible()  # a call's fields show for a call
    expect(page.locator("#start-channel")).to_be_hidden()
    page.fill("#start-subject", "Night call: Mila coughing")
    page.fill("#start-text", "Mila is coughing again tonight, worse than yesterday.")
    page.fill("#start-minutes", "7")
    page.select_option("#start-priority", "high")
    page.click("#start-submit")

    case = Case.objects.exclude(pk=world.case.pk).get()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.locator("#flash")).to_contain_text(
        f"Case #{case.pk} opened for Maria Lopez with the call logged."
    )
    expect(page.locator("body")).to_contain_text("Mila is coughing again tonight")
    assert case.customer == world.customer and case.owner == world.agent
    call = Call.objects.get(case=case)
    assert (call.direction, call.outcome, call.duration_seconds) == ("inbound", "reached", 420)
    assert Customer.objects.count() == 1  # picked, not created twice


def test_what_was_typed_before_the_scripts_arrived_is_checked_too(
    page: Page, live_server: LiveServer, world: World
) -> None:
    """On a slow line she types before htmx has loaded: her input event fell on a page without
    its scripts, and the check still runs once they arrive (it failed so on a loaded CI run)."""
    sign_in(page, live_server, world.agent)
    held: list[Route] = []

    def hold(route: Route) -> None:  # the script is on its way, not yet here
        held.append(route)

    page.route("**/htmx.min.js", hold)
    page.goto(f"{live_server.url}/cases/new/", wait_until="commit")
    page.fill("#start-phone", "+34 612-345-678")
    assert held, "the page asked for its script"
    page.wait_for_timeout(400)  # past the debounce: nothing could have asked yet
    expect(page.locator(".start-match")).to_have_count(0)
    for route in held:
        route.continue_()
    match = page.locator(".start-match", has_text="Maria Lopez")
    expect(match).to_contain_text("phone +34612345678")


def test_a_new_caller_from_a_phone(phone_page: Page, live_server: LiveServer, world: World) -> None:
    page = phone_page
    sign_in(page, live_server, world.agent)
    page.goto(f"{live_server.url}/cases/new/")
    page.fill("#start-name", "Lucia Gomez")
    page.fill("#start-phone", "+34 699 12 34 56")
    page.fill("#start-organization", "Gomez Kennels")
    page.wait_for_timeout(600)  # the duplicate check answered: nobody like her
    expect(page.locator(".start-match")).to_have_count(0)
    page.fill("#start-text", "New puppy, first visit: can we come tomorrow?")
    assert_no_horizontal_overflow(page)
    page.click("#start-submit")
    expect(page.locator("#flash")).to_contain_text("opened for Lucia Gomez with the call logged")
    lucia = Customer.objects.get(name="Lucia Gomez")
    assert lucia.organization is not None and lucia.organization.name == "Gomez Kennels"
    assert list(lucia.identities.values_list("value", flat=True)) == ["+34699123456"]
