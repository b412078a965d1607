"""The supervisor's follow-up policies page: add a policy, change it, switch it off; cases
resolved afterwards follow the change. Nobody else gets in."""

from __future__ import annotations

from datetime import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.care.actions.promises import create_follow_up_policy
from rapport.care.models import FollowUpPolicy, Promise
from rapport.cases.actions.status import resolve_case
from rapport.people.actions.agents import create_team
from tests.conftest import World
from tests.workspace.helpers import assert_login_required

POLICY = {
    "name": "Clinic visit",
    "purpose": "Is the medicine working?",
    "script": "",
    "tags": "clinic-visit, night",
    "team": "",
    "priority": "",
    "triage_signal": "",
    "delay_days": "1",
    "at_time": "10:30",
    "channel": "phone",
    "active": "on",
}


def test_a_supervisor_adds_a_policy_and_a_resolved_case_follows_it(world: World) -> None:
    client = world.client_for(world.supervisor)
    added = client.post(
        "/supervisor/desk/follow-ups/", POLICY | {"team": str(world.clinic.pk)}, follow=True
    )
    page = added.content.decode()
    assert "Follow-up policy Clinic visit added" in page
    assert "tagged clinic-visit, night · team Clinic" in page
    assert "the next day at 10:30 their time, by phone" in page
    policy = FollowUpPolicy.objects.get()
    assert (policy.tags, policy.team, policy.at_time) == (
        ["clinic-visit", "night"],
        world.clinic,
        time(10, 30),
    )

    world.case.tags = ["clinic-visit"]
    world.case.save(update_fields=["tags"])
    resolve_case(case=world.case, by=world.agent)
    promise = Promise.objects.get(case=world.case)
    assert promise.purpose == "Is the medicine working?" and promise.owner == world.agent


def test_a_switched_off_policy_schedules_nothing(world: World) -> None:
    policy = create_follow_up_policy(name="Every case", purpose="How did it go?", by=None)
    client = world.client_for(world.supervisor)
    form = client.get(f"/supervisor/desk/follow-ups/{policy.pk}/").content.decode()
    assert 'value="Every case"' in form and 'name="active"' in form
    changed = POLICY | {"name": "Every case", "purpose": "How did it go?", "tags": ""}
    changed.pop("active")
    saved = client.post(f"/supervisor/desk/follow-ups/{policy.pk}/", changed, follow=True)
    assert "Follow-up policy Every case saved (switched off)." in saved.content.decode()
    policy.refresh_from_db()
    assert not policy.active and policy.at_time == time(10, 30)
    resolve_case(case=world.case, by=world.agent)
    assert not Promise.objects.filter(case=world.case).exists()


def test_a_refused_policy_keeps_what_was_typed(world: World) -> None:
    create_follow_up_policy(name="Clinic visit", purpose="x", by=None)
    client = world.client_for(world.supervisor)
    taken = client.post("/supervisor/desk/follow-ups/", POLICY | {"purpose": "Ask about Mila"})
    assert taken.status_code == 400
    page = taken.content.decode()
    assert "There is already a policy called &#x27;Clinic visit&#x27;." in page
    assert 'value="Ask about Mila"' in page
    late = client.post(
        "/supervisor/desk/follow-ups/", POLICY | {"name": "Late", "delay_days": "61"}
    )
    assert late.status_code == 400 and "Days after resolution:" in late.content.decode()
    gone = client.post("/supervisor/desk/follow-ups/", POLICY | {"name": "X", "team": "99999"})
    assert "Of the team: Select a valid choice." in gone.content.decode()
    assert FollowUpPolicy.objects.count() == 1


def test_agents_and_strangers_are_refused(world: World) -> None:
    policy = create_follow_up_policy(name="Every case", purpose="How did it go?", by=None)
    for agent in (world.agent, world.outsider):
        client = world.client_for(agent)
        for url in ("/supervisor/desk/follow-ups/", f"/supervisor/desk/follow-ups/{policy.pk}/"):
            assert client.get(url).status_code == 404
            assert client.post(url, POLICY | {"name": "Mine"}).status_code == 404
    assert not FollowUpPolicy.objects.filter(name="Mine").exists()
    policy.refresh_from_db()
    assert policy.name == "Every case"
    assert_login_required("/supervisor/desk/follow-ups/")
    assert_login_required(f"/supervisor/desk/follow-ups/{policy.pk}/", method="post")
    missing = world.client_for(world.supervisor).get("/supervisor/desk/follow-ups/99999/")
    assert missing.status_code == 404


def test_the_list_does_not_query_per_policy(world: World) -> None:
    client = world.client_for(world.supervisor)

    def grow(n: int) -> None:
        team = create_team(name=f"Team {n}", slug=f"team-{n}")
        create_follow_up_policy(name=f"Policy {n}", purpose="p", team=team, tags=["a"])

    grow(0)
    with CaptureQueriesContext(connection) as few:
        client.get("/supervisor/desk/follow-ups/")
    for n in range(1, 4):
        grow(n)
    with CaptureQueriesContext(connection) as many:
        assert "Policy 3" in client.get("/supervisor/desk/follow-ups/").content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
