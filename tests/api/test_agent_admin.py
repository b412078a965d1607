"""Issue 14: /agents for supervisors: invite, read, change, deactivate, reactivate, a new link;
the same actions as /supervisor/agents/ and `rapport create-agent`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from rapport.care.actions.promises import schedule_follow_up
from rapport.cases.models import Case
from rapport.people.models import Agent, AgentState, SecurityEvent, SecurityEventKind
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World


@pytest.fixture
def sam(world: World, api_as: Any) -> ApiClient:
    client: ApiClient = api_as(world.supervisor)
    return client


def test_a_supervisor_invites_an_agent(
    world: World, sam: ApiClient, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = sam.post(
            "/agents",
            {
                "email": "Lena@Clinic.example",
                "display_name": "Dr. Lena Park",
                "site_id": world.night_site.pk,
                "team_ids": [world.clinic.pk],
                "skills": ["Dental"],
                "capacity": 9,
                "phone": "ext. 7",
                "hours": "mon-fri 09:00-17:00",
            },
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "invited" and body["email"] == "lena@clinic.example"
    assert body["username"] == "lena@clinic.example" and body["timezone"] == "Europe/Madrid"
    assert body["skills"] == ["dental"] and body["capacity"] == 9 and body["phone"] == "ext. 7"
    assert body["teams"] == [{"id": world.clinic.pk, "name": "Clinic", "slug": "clinic"}]
    assert body["working_hours"]["mon"] == [["09:00", "17:00"]]
    invitation = body["invitation"]
    # Answered before the worker sent it: queued, not claimed as sent.
    assert invitation["usable"] is True and invitation["sent_at"] is None
    assert [m.to for m in mail.outbox] == [["lena@clinic.example"]]
    assert sam.get(f"/agents/{body['id']}").json()["invitation"]["sent_at"] is not None
    # Not in the directory until she chooses a password; supervisors find her by state.
    names = [a["display_name"] for a in sam.get("/agents").json()["items"]]
    assert "Dr. Lena Park" not in names
    invited = sam.get("/agents", state="invited").json()["items"]
    assert [a["display_name"] for a in invited] == ["Dr. Lena Park"]
    again = sam.post(f"/agents/{body['id']}/invitation")
    assert (
        again.status_code == 201
        and again.json()["invitation"]["created_at"] > (invitation["created_at"])
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-address", "display_name": "X"}, "email"),
        ({"email": "x@clinic.example", "display_name": "X", "site_id": 999_999}, "site_id"),
        ({"email": "x@clinic.example", "display_name": "X", "team_ids": [999_999]}, "team_ids"),
        ({"email": "x@clinic.example", "display_name": "X", "hours": "whenever"}, "hours"),
        ({"email": "x@clinic.example", "display_name": "X", "timezone": "Mars/B"}, "timezone"),
    ],
)
def test_bad_invitations_name_the_field_and_create_nothing(
    world: World, sam: ApiClient, body: dict[str, Any], field: str
) -> None:
    response = sam.post("/agents", body)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == field
    assert not Agent.objects.filter(display_name="X").exists()


def test_a_supervisor_reads_and_changes_an_agent(world: World, sam: ApiClient) -> None:
    url = f"/agents/{world.agent.pk}"
    assert sam.get(url).json()["state"] == "active"
    response = sam.patch(
        url,
        {"capacity": 4, "skills": ["Cats"], "team_ids": [world.dental.pk], "site_id": None},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["capacity"] == 4 and body["skills"] == ["cats"] and body["site"] is None
    assert [t["slug"] for t in body["teams"]] == ["dental"]
    assert body["display_name"] == "Dr. Ana Ortiz"  # not sent: kept
    assert_error(sam.patch(url, {"capacity": None}), 422, "validation_error")
    assert_error(sam.patch(url, {"capacity": 501}), 422, "validation_error")
    assert_error(sam.get("/agents/999999"), 404, "not_found")


def test_deactivate_hands_over_and_reactivate_brings_back(world: World, sam: ApiClient) -> None:
    promise = schedule_follow_up(
        case=world.case, by=world.agent, due_at=timezone.now() + timedelta(days=1), purpose="Call"
    )
    response = sam.post(
        f"/agents/{world.agent.pk}/deactivate", {"hand_over_to": world.colleague.pk}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["agent"]["state"] == "deactivated" and body["agent"]["deactivated_at"]
    assert body["handed_over"] == [{"case_id": world.case.pk, "owner_id": world.colleague.pk}]
    assert body["customers"] == []  # Maria is Ben's; Ana only stood in for him
    assert body["promises"] == [{"promise_id": promise.pk, "owner_id": world.colleague.pk}]
    assert Case.objects.get(pk=world.case.pk).owner == world.colleague
    gone = sam.get("/agents", state="deactivated").json()["items"]
    assert [a["id"] for a in gone] == [world.agent.pk]
    assert_error(sam.post(f"/agents/{world.agent.pk}/deactivate", {}), 400, "bad_request")
    back = sam.post(f"/agents/{world.agent.pk}/reactivate")
    assert back.status_code == 200 and back.json()["state"] == AgentState.ACTIVE


def test_a_missing_successor_is_named(world: World, sam: ApiClient) -> None:
    response = sam.post(f"/agents/{world.agent.pk}/deactivate", {"hand_over_to": 999_999})
    assert_error(response, 400, "bad_request")
    assert response.json()["error"]["field"] == "hand_over_to"
    assert Agent.objects.get(pk=world.agent.pk).state is AgentState.ACTIVE


@pytest.mark.parametrize("who", ["agent", "outsider"])
def test_agents_are_told_these_are_a_supervisors_decisions(
    world: World, api_as: Any, who: str
) -> None:
    client = api_as(getattr(world, who))
    target = f"/agents/{world.colleague.pk}"
    assert_error(
        client.post("/agents", {"email": "x@y.example", "display_name": "X"}), 403, "forbidden"
    )
    assert_error(client.get(target), 403, "forbidden")
    assert_error(client.patch(target, {"capacity": 1}), 403, "forbidden")
    assert_error(client.post(f"{target}/deactivate", {}), 403, "forbidden")
    assert_error(client.post(f"{target}/reactivate"), 403, "forbidden")
    assert_error(client.post(f"{target}/invitation"), 403, "forbidden")
    assert_error(client.get("/agents", state="deactivated"), 403, "forbidden")
    assert Agent.objects.get(pk=world.colleague.pk).state is AgentState.ACTIVE


def test_a_supervisor_sets_how_many_live_chats_an_agent_holds(world: World, sam: ApiClient) -> None:
    url = f"/agents/{world.agent.pk}"
    assert sam.get(url).json()["chat_capacity"] == 3
    changed = sam.patch(url, {"chat_capacity": 5})
    assert changed.status_code == 200, changed.content
    assert changed.json()["chat_capacity"] == 5 and changed.json()["capacity"] == 20
    assert_error(sam.patch(url, {"chat_capacity": 51}), 422, "validation_error")
    assert Agent.objects.get(pk=world.agent.pk).chat_capacity == 5
    event = SecurityEvent.objects.filter(kind=SecurityEventKind.AGENT_CHANGED).latest("pk")
    assert "chat capacity: 3 → 5" in event.detail
