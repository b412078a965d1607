"""The supervisor's "Hours & service levels" page: sites' opening hours and closed days, and the
SLA policies, set through the same routing actions as the command line and the API."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.people.actions.agents import create_site
from rapport.routing.models import Closure, SlaPolicy
from tests.conftest import World
from tests.jobs.helpers import put_off
from tests.workspace.helpers import assert_login_required


def test_a_supervisor_sets_hours_and_closed_days(world: World) -> None:
    client = world.client_for(world.supervisor)
    site = world.night_site
    page = client.get("/supervisor/desk/")
    assert page.status_code == 200 and f'id="site-{site.pk}"' in page.content.decode()

    done = client.post(
        f"/supervisor/desk/sites/{site.pk}/hours/", {"hours": "mon-sun 20:00-08:00"}, follow=True
    )
    assert "mon 20:00-08:00; tue 20:00-08:00" in done.content.decode()
    site.refresh_from_db()
    assert site.working_hours["sun"] == [["20:00", "08:00"]]

    client.post(
        f"/supervisor/desk/sites/{site.pk}/closures/", {"day": "2026-12-24", "reason": "party"}
    )
    assert Closure.objects.get(site=site).day == date(2026, 12, 24)
    shown = client.get("/supervisor/desk/").content.decode()
    assert "Thu 24 Dec 2026 — party" in shown
    client.post(f"/supervisor/desk/sites/{site.pk}/closures/2026-12-24/open/")
    assert not Closure.objects.exists()


def test_bad_hours_are_refused_with_the_reason_and_nothing_changes(world: World) -> None:
    client = world.client_for(world.supervisor)
    site = world.night_site
    response = client.post(
        f"/supervisor/desk/sites/{site.pk}/hours/", {"hours": "mon 9-17"}, follow=True
    )
    assert "is not a time of day" in response.content.decode()
    site.refresh_from_db()
    assert site.working_hours == {}
    bad_day = client.post(
        f"/supervisor/desk/sites/{site.pk}/closures/", {"day": "soon"}, follow=True
    )
    assert "Day: Enter a valid date." in bad_day.content.decode()
    assert not Closure.objects.exists()


def test_a_supervisor_sets_and_removes_a_service_level(world: World) -> None:
    client = world.client_for(world.supervisor)
    response = client.post(
        "/supervisor/desk/policies/",
        {"priority": "urgent", "channel": "chat", "first": 2, "next": 5, "resolution": 240,
         "around_the_clock": "on"},
        follow=True,
    )  # fmt: skip
    assert "Service level for urgent chat saved." in response.content.decode()
    policy = SlaPolicy.objects.get()
    assert (policy.first_response_minutes, policy.business_hours) == (2, False)
    refused = client.post(
        "/supervisor/desk/policies/",
        {"priority": "high", "first": 600, "next": 60, "resolution": 60},
        follow=True,
    )
    assert "cannot be due after the resolution" in refused.content.decode()
    client.post(f"/supervisor/desk/policies/{policy.pk}/remove/")
    assert not SlaPolicy.objects.exists()


def test_agents_and_strangers_are_refused(world: World) -> None:
    site = world.night_site
    for agent in (world.agent, world.outsider):
        client = world.client_for(agent)
        assert client.get("/supervisor/desk/").status_code == 404
        hours = client.post(
            f"/supervisor/desk/sites/{site.pk}/hours/", {"hours": "mon 09:00-17:00"}
        )
        assert hours.status_code == 404
        closure = client.post(f"/supervisor/desk/sites/{site.pk}/closures/", {"day": "2026-12-24"})
        assert closure.status_code == 404
        policy = client.post(
            "/supervisor/desk/policies/",
            {"priority": "low", "first": 1, "next": 1, "resolution": 9},
        )
        assert policy.status_code == 404
    site.refresh_from_db()
    assert (
        site.working_hours == {} and not Closure.objects.exists() and not SlaPolicy.objects.exists()
    )
    assert_login_required("/supervisor/desk/")


def test_the_page_does_not_query_per_site(world: World) -> None:
    client = world.client_for(world.supervisor)
    with CaptureQueriesContext(connection) as few:
        client.get("/supervisor/desk/")
    for name in ("Toronto", "Manila", "Lisbon"):
        create_site(name=name, timezone_name="UTC")
    with CaptureQueriesContext(connection) as many:
        client.get("/supervisor/desk/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_week_is_a_grid_of_days_and_shifts(world: World) -> None:
    site = world.night_site
    client = world.client_for(world.supervisor)
    grid = {"grid": "1", "mon-open": "1", "mon-start-1": "08:00", "mon-end-1": "13:00"}
    grid |= {"mon-start-2": "15:00", "mon-end-2": "19:00", "sat-open": "1"}
    grid |= {"sat-start-1": "20:00", "sat-end-1": "08:00", "sun-open": "1"}
    grid |= {"sun-start-1": "00:00", "sun-end-1": "00:00", "tue-start-1": "09:00"}  # tue unticked
    response = client.post(f"/supervisor/desk/sites/{site.pk}/hours/", grid, follow=True)
    site.refresh_from_db()
    assert site.working_hours == {
        "mon": [["08:00", "13:00"], ["15:00", "19:00"]],
        "sat": [["20:00", "08:00"]],
        "sun": [["00:00", "24:00"]],
    }
    page = response.content.decode()
    assert 'name="mon-start-2" value="15:00"' in page and 'name="sun-end-1" value="00:00"' in page
    assert '<tr data-day="tue">' in page
    half = {"grid": "1", "wed-open": "1", "wed-start-1": "09:00"}
    refused = client.post(f"/supervisor/desk/sites/{site.pk}/hours/", half, follow=True)
    assert "Wed: give both the opening and the closing time" in refused.content.decode()
    site.refresh_from_db()
    assert "mon" in site.working_hours  # nothing changed
    always = client.post(
        f"/supervisor/desk/sites/{site.pk}/hours/", {"grid": "1", "around_the_clock": "1"}
    )
    assert always.status_code == 302
    site.refresh_from_db()
    assert site.working_hours == {}


def test_the_desk_shows_what_the_sweeps_put_off(world: World) -> None:
    client = world.client_for(world.supervisor)
    assert "Nothing put off" in client.get("/supervisor/desk/").content.decode()

    # A case whose breach keeps failing, with an error whose later lines must stay in the log.
    put_off(
        sweep="sla_breach",
        item=world.case.pk,
        failures=3,
        error="IntegrityError: NOT NULL constraint failed\nDETAIL: Failing row (Ms. Rivera, ...)",
    )
    page = client.get("/supervisor/desk/").content.decode()
    row = page[page.index(f'id="put-off-sla_breach-{world.case.pk}"') :].split("</li>")[0]
    assert f'<a href="/cases/{world.case.pk}/">Case #{world.case.pk}</a>' in row
    assert "IntegrityError: NOT NULL constraint failed" in row
    assert "failed 3 times" in row
    assert "Rivera" not in page and "DETAIL" not in page
    assert "Nothing put off" not in page

    # Only a supervisor's page: an agent is sent away as from any supervisor page.
    assert client.get("/supervisor/desk/").status_code == 200
    assert world.client_for(world.agent).get("/supervisor/desk/").status_code == 404
