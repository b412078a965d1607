"""An agent works through "Calls due today": tel: links, one-step call logging, the list updates."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.care.actions.promises import schedule_follow_up
from rapport.care.models import Outcome, Promise, PromiseStatus
from rapport.cases.models import Call, CallOutcome
from rapport.people.actions.customers import create_customer
from rapport.routing.actions.opening import open_case
from tests.browser.test_reply_flow import sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser


def two_calls_due(world: World) -> tuple[Promise, Promise]:
    """Two of Dr. Ortiz's follow-ups, both due today (overdue, so the hour of the run does not
    matter): Maria first, then Pedro."""
    pedro = create_customer(
        name="Pedro Ruiz",
        by=world.agent,
        identities=[("phone", "+34 622 111 222")],
        timezone_name="Europe/Madrid",
        owner=world.agent,
    )
    pedro_case = open_case(
        customer=pedro,
        subject="Cat not eating after surgery",
        channel="phone",
        text="Luna had her stitches today and won't eat.",
        by=world.agent,
        owner=world.agent,
        team=world.clinic,
    )
    now = timezone.now()
    scheduled = now - timedelta(hours=3)
    maria_call = schedule_follow_up(
        case=world.case,
        by=world.agent,
        due_at=now - timedelta(minutes=90),
        purpose="Is Mila's cough better?",
        now=scheduled,
    )
    pedro_call = schedule_follow_up(
        case=pedro_case,
        by=world.agent,
        due_at=now - timedelta(minutes=30),
        purpose="Is Luna eating again?",
        now=scheduled,
    )
    return maria_call, pedro_call


def row(page: Page, promise: Promise) -> Locator:
    return page.locator(f'#calls-due [data-promise-id="{promise.pk}"]')


def test_agent_logs_calls_and_the_list_updates(
    page: Page, live_server: LiveServer, world: World
) -> None:
    maria_call, pedro_call = two_calls_due(world)
    sign_in(page, live_server, world.agent)

    page.click("#nav-calls")
    expect(page).to_have_url(re.compile(r"/care/calls/$"))
    rows = page.locator("#calls-due [data-promise-id]")
    expect(rows).to_have_count(2)
    # Ordered by due time: Maria's call came due first.
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.promiseId)") == [
        str(maria_call.pk),
        str(pedro_call.pk),
    ]
    expect(row(page, maria_call).locator("a[data-tel]")).to_have_attribute(
        "href", "tel:+34612345678"
    )
    expect(row(page, pedro_call).locator("a[data-tel]")).to_have_attribute(
        "href", "tel:+34622111222"
    )
    expect(row(page, maria_call)).to_contain_text("Is Mila's cough better?")

    # Reached and fine: the promise is kept and the row leaves the list.
    maria_row = row(page, maria_call)
    maria_row.locator(f'input[name="outcome"][value="{Outcome.REACHED_FINE}"]').check()
    maria_row.locator("textarea[name=notes]").fill("Cough gone, eating well.")
    maria_row.get_by_role("button", name="Log call").click()
    expect(page.locator("body")).to_contain_text("Call with Maria Lopez logged")
    expect(row(page, maria_call)).to_have_count(0)
    expect(page.locator("#calls-due [data-promise-id]")).to_have_count(1)

    # No answer: rescheduled to tomorrow, same time, so it leaves today's list too.
    pedro_row = row(page, pedro_call)
    pedro_row.locator(f'input[name="outcome"][value="{Outcome.NO_ANSWER}"]').check()
    pedro_row.get_by_role("button", name="Log call").click()
    expect(page.locator("body")).to_contain_text("No answer from Pedro Ruiz; trying again")
    expect(page.locator("#no-calls")).to_be_visible()

    maria_call.refresh_from_db()
    assert maria_call.status == PromiseStatus.KEPT
    assert maria_call.outcome == Outcome.REACHED_FINE
    call = Call.objects.get(case=world.case)
    assert call.outcome == CallOutcome.REACHED and call.notes == "Cough gone, eating well."
    assert call.phone == "+34612345678"

    before = pedro_call.due_at
    pedro_call.refresh_from_db()
    assert pedro_call.status == PromiseStatus.OPEN and pedro_call.attempts == 1
    madrid = ZoneInfo("Europe/Madrid")
    assert pedro_call.due_at.astimezone(madrid).time() == before.astimezone(madrid).time()
    assert pedro_call.due_at.astimezone(madrid).date() == (
        timezone.now().astimezone(madrid).date() + timedelta(days=1)
    )


def test_another_team_neither_sees_nor_logs_her_calls(
    page: Page, live_server: LiveServer, world: World
) -> None:
    maria_call, _ = two_calls_due(world)
    sign_in(page, live_server, world.outsider)

    page.click("#nav-calls")
    expect(page.locator("#no-calls")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Maria Lopez")

    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"{live_server.url}/care/promises/{maria_call.pk}/call/",
        form={"csrfmiddlewaretoken": token, "outcome": Outcome.REACHED_FINE},
        max_redirects=0,
    )
    assert response.status == 404
    maria_call.refresh_from_db()
    assert maria_call.status == PromiseStatus.OPEN


def test_anonymous_visitor_is_sent_to_sign_in(
    page: Page, live_server: LiveServer, world: World
) -> None:
    page.goto(f"{live_server.url}/care/calls/")
    expect(page).to_have_url(re.compile(r"/login/"))
