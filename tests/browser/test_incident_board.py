"""An agent logs a reached outcome for an incident's customer; the supervisor's board follows."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.outreach.actions.incidents import create_incident
from rapport.outreach.actions.tasks import add_audience
from rapport.outreach.models import Incident, OutreachOutcome, OutreachStatus, OutreachTask
from rapport.people.actions.customers import create_customer
from tests.browser.test_reply_flow import sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser


def cancelled_flight(world: World) -> Incident:
    incident = create_incident(
        title="Flight AU 482 cancelled", team=world.clinic, by=world.supervisor
    )
    others = [
        create_customer(
            name=name, by=world.supervisor, identities=[("phone", phone)], timezone_name="UTC"
        )
        for name, phone in (("Rosa Delgado", "+34 699 112 233"), ("Jun Santos", "+63 917 123 4567"))
    ]
    add_audience(incident=incident, by=world.supervisor, customers=[world.customer, *others])
    return incident


def expect_counts(page: Page, **counts: int) -> None:
    for status, n in counts.items():
        expect(page.locator(f'#board-overall [data-count="{status}"]')).to_have_text(str(n))


def test_reached_outcome_moves_the_board(
    page: Page, browser: Browser, live_server: LiveServer, world: World
) -> None:
    incident = cancelled_flight(world)
    task = OutreachTask.objects.select_related("owner__user").get(
        incident=incident, customer=world.customer
    )
    assert task.owner is not None

    # The supervisor watches the board; it refreshes itself.
    sign_in(page, live_server, world.supervisor)
    page.goto(f"{live_server.url}/outreach/{incident.pk}/")
    expect(page.locator("#board-total")).to_have_text("3")
    expect_counts(page, reached=0, attempted=0, not_yet=3, failed=0)

    # The agent who owns Maria's task calls her and logs it in one step.
    context = browser.new_context()
    context.set_default_timeout(10_000)
    try:
        agent_page = context.new_page()
        sign_in(agent_page, live_server, task.owner)
        agent_page.goto(f"{live_server.url}/outreach/tasks/{task.pk}/")
        expect(agent_page.locator("#task-phone")).to_have_attribute("href", "tel:+34612345678")
        agent_page.select_option("#call-outcome", "reached")
        agent_page.select_option("#call-result", OutreachOutcome.REBOOKED)
        agent_page.fill("#call-notes", "Rebooked on tomorrow's 09:40.")
        agent_page.click("#call-log")
        expect(agent_page).to_have_url(re.compile(rf"/outreach/{incident.pk}/"))
        expect(agent_page.locator("body")).to_contain_text("Maria Lopez is reached")
        expect_counts(agent_page, reached=1, not_yet=2)
    finally:
        context.close()

    # The supervisor's board catches up without a reload (it polls every few seconds).
    expect_counts(page, reached=1, attempted=0, not_yet=2, failed=0)
    expect(page.locator("#board-reached")).to_have_text("1")
    task.refresh_from_db()
    assert task.status == OutreachStatus.REACHED and task.outcome == OutreachOutcome.REBOOKED


def test_another_team_cannot_open_the_board(
    page: Page, live_server: LiveServer, world: World
) -> None:
    incident = cancelled_flight(world)
    sign_in(page, live_server, world.outsider)
    for url in (f"/outreach/{incident.pk}/", f"/outreach/{incident.pk}/board/"):
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None
        assert response.status == 404
    expect(page.locator("#board")).to_have_count(0)
