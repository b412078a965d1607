"""Issue 14: /supervisor/agents/, the desk's people, for supervisors only: the list (a fixed
number of queries), inviting, editing, deactivating and reactivating; every form calls the same
action as the API and the CLI."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.cases.models import Case
from rapport.people.actions import staff
from rapport.people.actions.agents import create_agent
from rapport.people.models import Agent, AgentState, Invitation
from tests.conftest import PASSWORD, World
from tests.workspace.helpers import assert_login_required, make_cases

PAGES = ("/supervisor/agents/", "/supervisor/agents/{id}/")
POSTS = ("invite/", "{id}/edit/", "{id}/deactivate/", "{id}/reactivate/", "{id}/invitation/")


@pytest.mark.parametrize("page", PAGES)
def test_only_supervisors_see_the_pages(world: World, page: str) -> None:
    url = page.format(id=world.agent.pk)
    assert_login_required(url)
    for person in (world.agent, world.outsider):
        assert world.client_for(person).get(url).status_code == 404
    assert world.client_for(world.supervisor).get(url).status_code == 200
    assert world.client_for(world.supervisor).get(page.format(id=999_999)).status_code in {
        200 if "{id}" not in page else 404
    }


@pytest.mark.parametrize("action", POSTS)
def test_only_supervisors_may_post(world: World, action: str) -> None:
    url = "/supervisor/agents/" + action.format(id=world.colleague.pk)
    assert_login_required(url, method="post")
    for person in (world.agent, world.outsider):
        assert world.client_for(person).post(url, {"name": "X"}).status_code == 404
    world.colleague.refresh_from_db()
    assert world.colleague.user.is_active


def test_the_list_shows_everyone_in_a_fixed_number_of_queries(world: World) -> None:
    client = world.client_for(world.supervisor)
    staff.invite_agent(email="first@clinic.example", display_name="First", by=None)
    with CaptureQueriesContext(connection) as few:
        page = client.get("/supervisor/agents/")
    html = page.content.decode()
    assert "Dr. Ana Ortiz" in html and 'id="invite-form"' in html
    make_cases(world, 4)
    for n in range(4):
        extra = create_agent(username=f"a{n}", display_name=f"Agent {n}", password=PASSWORD)
        world.clinic.members.add(extra)
        staff.invite_agent(email=f"i{n}@clinic.example", display_name=f"Invited {n}", by=None)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/supervisor/agents/")
    assert len(many.captured_queries) == len(few.captured_queries)
    html = page.content.decode()
    assert 'id="invited-agents"' in html and "Invited 3" in html
    ana_row = html[html.index(f'data-agent="{world.agent.pk}"') :]
    assert "Night clinic" in ana_row[:600] and "Clinic" in ana_row[:600]
    open_now = Case.objects.filter(owner=world.agent, status__in=["new", "open"]).count()
    assert f"<td>{open_now} <span" in ana_row[:900]


def test_a_supervisor_invites_someone_and_the_page_says_the_mail_is_queued(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SITE_URL = "https://desk.example.com"
    client = world.client_for(world.supervisor)
    form = {
        "name": "Dr. Lena Park",
        "email": "lena@clinic.example",
        "site": world.night_site.pk,
        "teams": [world.clinic.pk, world.dental.pk],
        "skills": "dental, Spanish",
        "capacity": "8",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/supervisor/agents/invite/", form, follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [("/supervisor/agents/", 302)]
    assert "Dr. Lena Park is invited: the mail with their link" in html
    assert "is queued to lena@clinic.example" in html
    lena = Agent.objects.get(display_name="Dr. Lena Park")
    assert lena.state is AgentState.INVITED and lena.skills == ["dental", "spanish"]
    assert set(lena.teams.all()) == {world.clinic, world.dental} and lena.capacity == 8
    assert [m.to for m in mail.outbox] == [["lena@clinic.example"]]
    assert "link sent" in client.get("/supervisor/agents/").content.decode()
    # The same address again: refused with the reason, nothing made.
    again = client.post("/supervisor/agents/invite/", form, follow=True)
    assert "already an agent with the address lena@clinic.example" in again.content.decode()
    assert Agent.objects.filter(display_name="Dr. Lena Park").count() == 1


def test_a_pending_invitation_can_be_sent_again(world: World) -> None:
    invitation = staff.invite_agent(email="kim@clinic.example", display_name="Kim", by=None)
    client = world.client_for(world.supervisor)
    page = client.get(f"/supervisor/agents/{invitation.agent_id}/").content.decode()
    assert "mail with the link queued, not sent yet" in page and 'id="invite-again"' in page
    response = client.post(f"/supervisor/agents/{invitation.agent_id}/invitation/", follow=True)
    assert "A new link is queued to kim@clinic.example" in response.content.decode()
    assert Invitation.objects.filter(agent_id=invitation.agent_id).count() == 2


def test_the_edit_form_changes_the_profile(world: World) -> None:
    client = world.client_for(world.supervisor)
    url = f"/supervisor/agents/{world.agent.pk}/"
    form = client.get(url).content.decode()
    assert 'value="Dr. Ana Ortiz"' in form and 'value="Europe/Madrid"' in form
    data = {
        "display_name": "Dr. Ana Ortiz-Vega",
        "phone": "ext. 12",
        "timezone": "Europe/Madrid",
        "hours": "mon-fri 20:00-08:00",
        "site": world.night_site.pk,
        "teams": [world.dental.pk],
        "skills": "surgery, cats",
        "capacity": "6",
    }
    response = client.post(url + "edit/", data, follow=True)
    assert "Dr. Ana Ortiz: saved." in response.content.decode()
    ana = Agent.objects.get(pk=world.agent.pk)
    assert ana.display_name == "Dr. Ana Ortiz-Vega" and ana.phone == "ext. 12"
    assert ana.working_hours["fri"] == [["20:00", "08:00"]] and ana.capacity == 6
    assert list(ana.teams.all()) == [world.dental] and ana.skills == ["surgery", "cats"]
    assert not ana.is_supervisor
    bad = client.post(url + "edit/", {**data, "hours": "someday 9-5"}, follow=True)
    assert "Working hours:" in bad.content.decode()
    zone = client.post(url + "edit/", {**data, "timezone": "Mars/Base"}, follow=True)
    assert "not a known time zone" in zone.content.decode()
    assert Agent.objects.get(pk=world.agent.pk).timezone == "Europe/Madrid"


def test_the_edit_form_sets_how_many_live_chats_they_hold(world: World) -> None:
    client = world.client_for(world.supervisor)
    url = f"/supervisor/agents/{world.agent.pk}/"
    assert 'name="chat_capacity"' in client.get(url).content.decode()
    data = {"display_name": "Dr. Ana Ortiz", "timezone": "Europe/Madrid", "capacity": "20"}
    saved = client.post(url + "edit/", {**data, "chat_capacity": "2"}, follow=True)
    assert "Dr. Ana Ortiz: saved." in saved.content.decode()
    assert Agent.objects.get(pk=world.agent.pk).chat_capacity == 2
    assert 'id="agent-chat-capacity" min="0" max="50" value="2"' in saved.content.decode()
    client.post(url + "edit/", data)  # left empty: kept
    assert Agent.objects.get(pk=world.agent.pk).chat_capacity == 2


def test_deactivate_with_a_successor_then_reactivate(world: World) -> None:
    client = world.client_for(world.supervisor)
    url = f"/supervisor/agents/{world.agent.pk}/"
    page = client.get(url).content.decode()
    assert 'id="deactivate-form"' in page and "Their 1 open case goes to" in page
    response = client.post(url + "deactivate/", {"hand_over_to": world.colleague.pk}, follow=True)
    html = response.content.decode()
    assert "Dr. Ana Ortiz is deactivated; their work went on: 1 open case to Dr. Ben Hale." in html
    assert 'id="agent-reactivate"' in html
    world.case.refresh_from_db()
    assert world.case.owner == world.colleague
    listing = client.get("/supervisor/agents/").content.decode()
    assert 'id="deactivated-agents"' in listing
    back = client.post(url + "reactivate/", follow=True)
    assert "can sign in again" in back.content.decode()
    assert Agent.objects.get(pk=world.agent.pk).state is AgentState.ACTIVE


def test_a_successor_who_is_not_there_is_named_in_the_refusal(world: World) -> None:
    client = world.client_for(world.supervisor)
    url = f"/supervisor/agents/{world.agent.pk}/deactivate/"
    response = client.post(url, {"hand_over_to": 999_999}, follow=True)
    assert "There is no agent #999999." in response.content.decode()
    assert Agent.objects.get(pk=world.agent.pk).state is AgentState.ACTIVE


def test_a_supervisor_is_not_offered_to_deactivate_themself(world: World) -> None:
    client = world.client_for(world.supervisor)
    page = client.get(f"/supervisor/agents/{world.supervisor.pk}/").content.decode()
    assert 'id="deactivate-form"' not in page
    refused = client.post(f"/supervisor/agents/{world.supervisor.pk}/deactivate/", follow=True)
    assert "yourself" in refused.content.decode()


def test_the_nav_leads_supervisors_to_the_agents(world: World) -> None:
    assert 'id="nav-agents"' in world.client_for(world.supervisor).get("/").content.decode()
    assert 'id="nav-agents"' not in world.client_for(world.agent).get("/").content.decode()


def test_working_hours_are_a_weekly_grid_like_a_sites(world: World) -> None:
    client = world.client_for(world.supervisor)
    url = f"/supervisor/agents/{world.agent.pk}/"
    data = {
        "display_name": "Dr. Ana Ortiz",
        "timezone": "Europe/Madrid",
        "site": world.night_site.pk,
        "capacity": "6",
        "grid": "1",
        "mon-open": "1", "mon-start-1": "09:00", "mon-end-1": "13:00",
        "mon-start-2": "16:00", "mon-end-2": "20:00",
        "fri-open": "1", "fri-start-1": "20:00", "fri-end-1": "08:00",
    }  # fmt: skip
    response = client.post(url + "edit/", data, follow=True)
    assert "Dr. Ana Ortiz: saved." in response.content.decode()
    hours = Agent.objects.get(pk=world.agent.pk).working_hours
    assert hours == {"mon": [["09:00", "13:00"], ["16:00", "20:00"]], "fri": [["20:00", "08:00"]]}
    page = client.get(url).content.decode()
    assert 'name="mon-open" value="1" aria-label="Mon open" checked' in page
    assert 'name="mon-start-2" value="16:00"' in page
    assert 'name="tue-open" value="1" aria-label="Tue open">' in page
    # Any time: the box, and nothing else ticked.
    client.post(url + "edit/", {**data, "around_the_clock": "1"})
    assert Agent.objects.get(pk=world.agent.pk).working_hours == {}
    half = client.post(url + "edit/", {**data, "mon-end-1": ""}, follow=True)
    assert "Working hours: Mon: give both" in half.content.decode()
