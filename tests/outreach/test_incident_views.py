"""The incidents pages: list, declare, the progress board (polled by htmx), audience, import."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.outreach.actions.incidents import create_incident
from rapport.outreach.actions.tasks import add_audience, log_outreach_call
from rapport.outreach.models import Incident, OutreachTask
from rapport.people.actions.agents import create_agent
from tests.conftest import PASSWORD, World
from tests.outreach.conftest import add_passenger
from tests.workspace.helpers import HTMX, assert_login_required


def _incident(world: World, passengers: int = 3) -> Incident:
    incident = create_incident(
        title="Flight AU 482 cancelled", team=world.clinic, by=world.supervisor
    )
    customers = [add_passenger(i) for i in range(passengers)]
    add_audience(incident=incident, customers=customers, by=world.supervisor)
    return incident


def test_list_shows_the_teams_incidents_and_refuses_others(world: World) -> None:
    incident = _incident(world)
    page = world.client_for(world.agent).get("/outreach/").content.decode()
    assert "Flight AU 482 cancelled" in page and 'id="nav-incidents"' in page
    assert "Declare an incident" not in page  # supervisors only
    assert (
        "Flight AU 482" not in world.client_for(world.outsider).get("/outreach/").content.decode()
    )
    assert (
        "Declare an incident"
        in world.client_for(world.supervisor).get("/outreach/").content.decode()
    )
    assert world.client_for(world.outsider).get(f"/outreach/{incident.pk}/").status_code == 404
    assert (
        world.client_for(world.outsider).get(f"/outreach/{incident.pk}/board/").status_code == 404
    )
    assert_login_required("/outreach/")
    assert_login_required(f"/outreach/{incident.pk}/")


def test_a_supervisor_declares_an_incident_and_others_cannot(world: World) -> None:
    form = {"title": "Broadband outage in Leeds", "severity": "critical", "team": world.clinic.pk}
    refused = world.client_for(world.agent).post("/outreach/new/", form)
    assert refused.status_code == 403 and not Incident.objects.exists()
    response = world.client_for(world.supervisor).post("/outreach/new/", form)
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/outreach/{incident.pk}/"
    assert incident.severity == "critical" and incident.team == world.clinic
    bad = world.client_for(world.supervisor).post(
        "/outreach/new/", {**form, "priority_rules": "[{"}, follow=True
    )
    assert "not valid JSON" in bad.content.decode()
    assert_login_required("/outreach/new/", method="post")


def test_an_incident_for_a_team_that_does_not_exist_is_refused(world: World) -> None:
    """A made-up team id used to declare the incident for no team at all."""
    response = world.client_for(world.supervisor).post(
        "/outreach/new/", {"title": "Outage", "severity": "major", "team": 999_999}, follow=True
    )
    assert "There is no team #999999." in response.content.decode()
    assert not Incident.objects.exists()


def test_board_counts_and_polls(world: World) -> None:
    incident = _incident(world)
    task = OutreachTask.objects.filter(incident=incident).first()
    assert task is not None and task.owner is not None
    log_outreach_call(task=task, by=task.owner, call_outcome="reached", outcome="refunded")
    board = world.client_for(world.agent).get(f"/outreach/{incident.pk}/board/", headers=HTMX)
    html = board.content.decode()
    assert html.lstrip().startswith('<section class="card board" id="board"')
    assert 'hx-trigger="every 5s"' in html
    assert '<dd data-count="reached">1</dd>' in html and '<dd data-count="not_yet">2</dd>' in html
    assert "refunded 1" in html


def test_agent_sees_their_own_list_with_phone_links(world: World) -> None:
    incident = _incident(world)
    mine = list(OutreachTask.objects.filter(incident=incident, owner=world.agent))
    assert mine  # the load is spread over both clinic vets
    page = world.client_for(world.agent).get(f"/outreach/{incident.pk}/").content.decode()
    assert page.count('class="outreach-row"') == len(mine)
    for task in mine:
        phone = task.customer.identities.get(kind="phone").value
        assert f'href="tel:{phone}"' in page
    everyone = world.client_for(world.agent).get(f"/outreach/{incident.pk}/?show=all")
    assert everyone.content.decode().count('class="outreach-row"') == 3


def test_supervisor_adds_customers_by_flight_and_by_csv(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    incident = create_incident(
        title="Flight AU 482 cancelled", team=world.clinic, by=world.supervisor
    )
    add_passenger(1)
    add_passenger(2)
    url = f"/outreach/{incident.pk}/audience/"
    assert world.client_for(world.agent).post(url, {"asset_reference": "AU 482"}).status_code == 403
    response = world.client_for(world.supervisor).post(
        url, {"asset_reference": "AU 482"}, follow=True
    )
    assert "2 customers added" in response.content.decode()

    upload = SimpleUploadedFile(
        "late.csv", b"name,email,phone\nLate Larry,larry@example.com,\n,,\nX,,\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for(world.supervisor).post(
            f"/outreach/{incident.pk}/import/", {"file": upload}, follow=True
        )
    page = response.content.decode()
    assert "Importing 3 rows" in page
    job = incident.imports.get()
    progress = (
        world.client_for(world.supervisor).get(f"/outreach/imports/{job.pk}/").content.decode()
    )
    assert "3</span> of 3 rows, 1 added" in progress and "line 4: no email or phone" in progress
    assert "hx-trigger" not in progress  # finished: the page stops polling
    assert world.client_for(world.outsider).get(f"/outreach/imports/{job.pk}/").status_code == 404
    assert OutreachTask.objects.filter(incident=incident).count() == 3


def test_query_count_is_constant_on_the_board_and_the_page(world: World) -> None:
    incident = _incident(world, passengers=2)
    client = world.client_for(world.supervisor)
    with CaptureQueriesContext(connection) as few_page:
        client.get(f"/outreach/{incident.pk}/")
    with CaptureQueriesContext(connection) as few_board:
        client.get(f"/outreach/{incident.pk}/board/")
    extra = create_agent(username="zoe", display_name="Zoe Park", password=PASSWORD)
    world.clinic.members.add(extra)
    add_audience(
        incident=incident,
        customers=[add_passenger(i) for i in range(10, 30)],
        by=world.supervisor,
    )
    with CaptureQueriesContext(connection) as many_page:
        page = client.get(f"/outreach/{incident.pk}/")
    with CaptureQueriesContext(connection) as many_board:
        client.get(f"/outreach/{incident.pk}/board/")
    assert page.content.decode().count('class="outreach-row"') == 22
    assert len(many_page.captured_queries) == len(few_page.captured_queries)
    assert len(many_board.captured_queries) == len(few_board.captured_queries)
