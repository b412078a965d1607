"""Issue 11 #6: API tokens expire, and are listed and revoked through the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.utils import timezone

from rapport.people.actions.security import issue_api_token
from rapport.people.models import ApiToken, SecurityEvent, SecurityEventKind
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World


def test_a_token_works_for_90_days_by_default_then_is_refused(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        issued = issue_api_token(agent=world.agent, name="CRM sync")
    assert issued.token.expires_at == start + timedelta(days=90)
    client = ApiClient(issued.raw)
    with time_machine.travel(start + timedelta(days=89, hours=23), tick=False):
        assert client.get("/agents/me").status_code == 200
    with time_machine.travel(start + timedelta(days=90, seconds=1), tick=False):
        assert_error(client.get("/agents/me"), 401, "unauthorized")


def test_each_token_can_have_its_own_lifetime(world: World, api: ApiClient) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        response = api.post("/tokens", {"name": "Nightly export", "days": 7})
    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("rp_") and body["state"] == "active"
    assert body["name"] == "Nightly export" and body["prefix"] == body["token"][:10]
    created = ApiToken.objects.get(pk=body["id"])
    assert created.expires_at == start + timedelta(days=7)
    assert created.key_hash == ApiToken.hash(body["token"])
    with time_machine.travel(start + timedelta(days=8), tick=False):
        assert ApiClient(body["token"]).get("/agents/me").status_code == 401


def test_bad_lifetimes_and_names_are_refused(world: World, api: ApiClient) -> None:
    assert_error(api.post("/tokens", {"name": "x", "days": 0}), 422, "validation_error")
    assert_error(api.post("/tokens", {"name": "x", "days": 100000}), 422, "validation_error")
    assert_error(api.post("/tokens", {"name": ""}), 422, "validation_error")
    assert ApiToken.objects.filter(agent=world.agent).count() == 1  # only the client's own


def test_listing_shows_your_tokens_without_their_secrets(world: World, api: ApiClient) -> None:
    other = issue_api_token(agent=world.colleague, name="Ben's script")
    mine = issue_api_token(agent=world.agent, name="Old", days=1)
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        # Another token of Ana's that is still valid then.
        fresh = issue_api_token(agent=world.agent, name="Fresh")
        body = ApiClient(fresh.raw).get("/tokens").json()
    names = {item["name"]: item["state"] for item in body["items"]}
    assert names == {"test": "active", "Old": "expired", "Fresh": "active"}
    assert other.token.name not in names and body["next"] is None
    assert "token" not in body["items"][0] and "key_hash" not in body["items"][0]
    assert mine.raw not in str(body)


def test_revoking_stops_a_token_at_once_and_is_audited(world: World, api: ApiClient) -> None:
    issued = issue_api_token(agent=world.agent, name="Leaked")
    assert ApiClient(issued.raw).get("/agents/me").status_code == 200
    response = api.delete(f"/tokens/{issued.token.pk}")
    assert response.status_code == 200 and response.json()["state"] == "revoked"
    assert_error(ApiClient(issued.raw).get("/agents/me"), 401, "unauthorized")
    assert api.delete(f"/tokens/{issued.token.pk}").status_code == 200  # again: no change
    events = SecurityEvent.objects.filter(kind=SecurityEventKind.TOKEN_REVOKED)
    assert events.count() == 1 and "Leaked" in events.get().detail


def test_someone_elses_token_is_a_404_and_a_supervisor_sees_and_revokes_all(
    world: World, api: ApiClient, api_as: Any
) -> None:
    bens = issue_api_token(agent=world.colleague, name="Ben's script")
    assert_error(api.delete(f"/tokens/{bens.token.pk}"), 404, "not_found")
    assert ApiClient(bens.raw).get("/agents/me").status_code == 200
    everyone = api.get("/tokens", everyone="true").json()["items"]
    assert {t["agent_id"] for t in everyone} == {world.agent.pk}  # not a supervisor: own only
    boss = api_as(world.supervisor)
    listed = boss.get("/tokens", everyone="true").json()["items"]
    assert "Ben's script" in {t["name"] for t in listed}
    assert boss.delete(f"/tokens/{bens.token.pk}").json()["state"] == "revoked"
    event = SecurityEvent.objects.get(kind=SecurityEventKind.TOKEN_REVOKED)
    assert event.user == world.colleague.user and event.actor == world.supervisor


def test_tokens_need_a_signed_in_caller(world: World) -> None:
    assert_error(ApiClient(None).get("/tokens"), 401, "unauthorized")
    assert_error(ApiClient(None).post("/tokens", {"name": "x"}), 401, "unauthorized")
