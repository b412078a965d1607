"""Bearer tokens, the browser session (with CSRF), and 401 in the API's error shape."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from rapport.people.models import ApiToken
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World


def test_a_token_acts_as_its_agent(world: World, api: ApiClient) -> None:
    response = api.get("/agents/me")
    assert response.status_code == 200
    assert response.json()["username"] == "ana"


def test_no_token_is_401(world: World) -> None:
    response = ApiClient(None).get("/cases")
    error = assert_error(response, 401, "unauthorized")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "Bearer" in error["message"]
    assert error["field"] is None


def test_unknown_or_malformed_token_is_401(world: World) -> None:
    assert_error(ApiClient("rp_not-a-real-token").get("/cases"), 401, "unauthorized")
    client = Client()
    for header in ("Token abc", "Bearer", "Basic dXNlcjpwYXNz"):
        response = client.get("/api/v1/cases", headers={"Authorization": header})
        assert_error(response, 401, "unauthorized")


def test_writes_without_a_token_are_401_not_a_csrf_error(world: World) -> None:
    response = Client(enforce_csrf_checks=True).post(
        f"/api/v1/cases/{world.case.pk}/notes",
        json.dumps({"text": "hello"}),
        content_type="application/json",
    )
    assert_error(response, 401, "unauthorized")


def test_a_deactivated_agents_token_stops_working(world: World) -> None:
    token = world.token_for(world.agent)
    world.agent.user.is_active = False
    world.agent.user.save(update_fields=["is_active"])
    assert_error(ApiClient(token).get("/agents/me"), 401, "unauthorized")


def test_only_the_hash_is_stored_and_last_use_is_stamped_once_a_minute(world: World) -> None:
    raw = world.token_for(world.agent)
    token = ApiToken.objects.get(key_hash=ApiToken.hash(raw))
    assert raw not in {token.key_hash, token.prefix, token.name}
    assert token.last_used_at is None
    client = ApiClient(raw)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.get("/agents/me").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert client.get("/agents/me").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == start
    later = start + timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        assert client.get("/agents/me").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == later


def test_a_signed_in_browser_session_works_for_reads(world: World) -> None:
    response = world.client_for(world.agent).get("/api/v1/agents/me")
    assert response.status_code == 200
    assert response.json()["display_name"] == "Dr. Ana Ortiz"


def test_session_writes_need_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.agent.user)
    url = f"/api/v1/cases/{world.case.pk}/notes"
    body: dict[str, Any] = {"text": "Owner called back."}
    refused = client.post(url, json.dumps(body), content_type="application/json")
    error = assert_error(refused, 403, "forbidden")
    assert "CSRF" in error["message"]
    # The docs page hands the browser its CSRF token, as Swagger UI sends it back.
    docs = client.get("/api/v1/docs")
    csrf = docs.cookies["csrftoken"].value
    allowed = client.post(
        url, json.dumps(body), content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert allowed.status_code == 201, allowed.content


def test_a_token_write_needs_no_csrf_even_with_a_session(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.agent.user)
    response = client.post(
        f"/api/v1/cases/{world.case.pk}/notes",
        json.dumps({"text": "Via the integration."}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {world.token_for(world.agent)}"},
    )
    assert response.status_code == 201


def test_a_signed_in_user_without_an_agent_profile_is_refused(world: World) -> None:
    user = get_user_model().objects.create_user(username="visitor", password="x" * 12)
    client = Client()
    client.force_login(user)
    assert_error(client.get("/api/v1/cases"), 401, "unauthorized")
