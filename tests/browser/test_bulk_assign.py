"""Working a queue in the browser: bulk-assign three cases from the inbox's bar, j/k/x on the
inbox, and j/k and a status key on the case page."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.cases.models import Case, CaseEvent, CaseEventKind, SavedView, Status
from tests.browser.test_reply_flow import sign_in
from tests.conftest import World
from tests.workspace.helpers import make_cases

pytestmark = pytest.mark.browser


def _shots(page: Page, name: str) -> None:
    shots = os.environ.get("RAPPORT_SHOTS_DIR")
    if shots:
        for width in (1440, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(Path(shots) / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def test_an_agent_bulk_assigns_three_cases(
    page: Page, live_server: LiveServer, world: World
) -> None:
    cases = make_cases(world, 4, owners=[world.agent])
    chosen = cases[1:]
    sign_in(page, live_server, world.agent)
    page.goto(f"{live_server.url}/?view=team")
    expect(page.locator("#bulk-count")).to_have_text("Select cases")
    # Only the field the chosen action needs is shown.
    expect(page.locator("#bulk-owner")).to_be_visible()
    expect(page.locator("#bulk-team")).to_be_hidden()
    page.select_option("#bulk-action", "team")
    expect(page.locator("#bulk-team")).to_be_visible()
    expect(page.locator("#bulk-owner")).to_be_hidden()
    page.select_option("#bulk-action", "assign")
    # Two ticked with the mouse, one with the keyboard (j to it, x to tick).
    page.check(f"#pick-{chosen[0].pk}")
    page.check(f"#pick-{chosen[1].pk}")
    expect(page.locator("#bulk-count")).to_have_text("2 selected")
    rows = page.locator("#case-list .case-row")
    position = [rows.nth(i).get_attribute("data-case-id") for i in range(rows.count())].index(
        str(chosen[2].pk)
    )
    page.locator("body").click(position={"x": 5, "y": 5})
    for _ in range(position + 1):
        page.keyboard.press("j")
    expect(
        page.locator(f"#case-list .case-row.current[data-case-id='{chosen[2].pk}']")
    ).to_be_visible()
    page.keyboard.press("x")
    expect(page.locator("#bulk-count")).to_have_text("3 selected")
    page.select_option("#bulk-owner", str(world.colleague.pk))
    page.fill("#bulk-reason", "Ben is on the morning shift")
    _shots(page, "inbox-bulk-selected")
    page.click("#bulk-apply")
    expect(page.locator("#flash")).to_contain_text("3 of 3 cases assigned to Dr. Ben Hale.")
    assert page.url.endswith("/?view=team")
    owners = dict(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("pk", "owner"))
    assert owners == {
        cases[0].pk: world.agent.pk,
        **{c.pk: world.colleague.pk for c in chosen},
    }
    events = CaseEvent.objects.filter(kind=CaseEventKind.ASSIGNED, actor=world.agent)
    assert sorted(e.case_id for e in events) == sorted(c.pk for c in chosen)
    assert {e.reason for e in events} == {"Ben is on the morning shift"}
    # Each of them now offers "Assign to me" again.
    for case in chosen:
        expect(page.locator(f"li[data-case-id='{case.pk}'] form.claim")).to_be_visible()
    _shots(page, "inbox-bulk-done")
    # On one of them, "m" takes it back: Assign to me.
    page.goto(f"{live_server.url}/cases/{chosen[0].pk}/")
    expect(page.locator("#claim")).to_be_visible()
    _shots(page, "case-claim")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("m")
    expect(page.locator("#flash")).to_contain_text(f"Case #{chosen[0].pk} is yours now.")
    expect(page.locator("#claim")).to_have_count(0)
    assert Case.objects.get(pk=chosen[0].pk).owner == world.agent


def test_shortcuts_on_the_case_page_move_through_the_list_and_set_the_status(
    page: Page, live_server: LiveServer, world: World
) -> None:
    make_cases(world, 2, owners=[world.agent])
    sign_in(page, live_server, world.agent)
    page.goto(f"{live_server.url}/?view=mine")
    ids = page.locator("#case-list .case-row").evaluate_all(
        "rows => rows.map(r => r.dataset.caseId)"
    )
    page.locator(f"li[data-case-id='{ids[0]}'] .case-link").click()
    expect(page.locator("#case-header")).to_be_visible()
    page.keyboard.press("j")
    page.wait_for_url(f"**/cases/{ids[1]}/")
    page.keyboard.press("k")
    page.wait_for_url(f"**/cases/{ids[0]}/")
    page.keyboard.press("w")
    expect(page.locator("#case-status")).to_have_text("Waiting on customer")
    assert Case.objects.get(pk=ids[0]).status == Status.WAITING_CUSTOMER
    page.keyboard.press("?")
    help_box = page.locator("#shortcuts-help")
    expect(help_box).to_be_visible()
    for key in ("j", "k", "x", "m", "o", "w", "u", "e"):
        expect(help_box.locator("kbd", has_text=re.compile(f"^{key}$"))).to_be_visible()
    _shots(page, "shortcuts-help")


def test_an_agent_saves_the_order_she_picked_and_finds_it_again(
    page: Page, live_server: LiveServer, world: World
) -> None:
    sign_in(page, live_server, world.agent)
    page.goto(f"{live_server.url}/?view=team")
    # Picked without a reload (htmx): the view saved is what the list shows now.
    page.select_option("#id_sort", "waiting")
    page.wait_for_url("**sort=waiting**")
    page.fill("#save-view-name", "Waiting longest")
    page.click("#save-view-button")
    expect(page.locator("#flash")).to_contain_text("Saved the view “Waiting longest”.")
    chip = page.locator("#saved-views a.chip", has_text="Waiting longest")
    expect(chip).to_have_attribute("aria-current", "page")
    assert SavedView.objects.get(agent=world.agent).filters == {"view": "team", "sort": "waiting"}
    page.click("#view-mine")
    expect(chip).not_to_have_attribute("aria-current", "page")
    chip.click()
    expect(page.locator("#id_sort")).to_have_value("waiting")
    _shots(page, "inbox-saved-view")


def test_ticking_more_than_one_change_takes_says_so_and_keeps_the_ticks(
    page: Page, live_server: LiveServer, world: World
) -> None:
    cases = make_cases(world, 3, owners=[world.agent])
    sign_in(page, live_server, world.agent)
    page.goto(f"{live_server.url}/?view=team")
    expect(page.locator("#bulk-form")).to_have_attribute("data-bulk-max", "500")
    # The limit the server gave, narrowed in the page so that three ticks pass it.
    page.locator("#bulk-form").evaluate("form => { form.dataset.bulkMax = '2'; }")
    for case in cases:
        page.check(f"#pick-{case.pk}")
    expect(page.locator("#bulk-count")).to_have_text("3 selected: at most 2 at once")
    page.select_option("#bulk-owner", str(world.colleague.pk))
    page.click("#bulk-apply")
    expect(page.locator("#flash .alert.error")).to_have_text(
        "Select at most 2 cases at once (3 are selected)."
    )
    assert "/cases/bulk/" not in page.url
    for case in cases:
        expect(page.locator(f"#pick-{case.pk}")).to_be_checked()
    assert not CaseEvent.objects.filter(kind=CaseEventKind.ASSIGNED, actor=world.agent).exists()
    _shots(page, "inbox-bulk-too-many")
