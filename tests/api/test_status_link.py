"""GET /cases/{id}/status-link and POST /cases/{id}/status-link/revoke."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from rapport.cases.models import CaseEvent, CaseEventKind
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_an_agent_gets_a_working_link_and_revokes_it(world: World, api: ApiClient) -> None:
    response = api.get(f"/cases/{world.case.pk}/status-link")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"url", "expires_at"}
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert timedelta(days=29) < expires_at - timezone.now() <= timedelta(days=30)
    assert Client().get(_path(body["url"])).status_code == 200

    revoked = api.post(f"/cases/{world.case.pk}/status-link/revoke")
    assert revoked.status_code == 200 and set(revoked.json()) == {"revoked_at"}
    assert b'id="link-gone"' in Client().get(_path(body["url"])).content
    event = CaseEvent.objects.get(case=world.case, kind=CaseEventKind.STATUS_LINK_REVOKED)
    assert event.actor == world.agent
    fresh = api.get(f"/cases/{world.case.pk}/status-link").json()["url"]
    assert Client().get(_path(fresh)).status_code == 200


def test_another_teams_agent_gets_404_and_revokes_nothing(world: World, api_as: Any) -> None:
    outsider = api_as(world.outsider)
    assert_error(outsider.get(f"/cases/{world.case.pk}/status-link"), 404, "not_found")
    assert_error(outsider.post(f"/cases/{world.case.pk}/status-link/revoke"), 404, "not_found")
    assert_error(outsider.get("/cases/999999/status-link"), 404, "not_found")
    assert not CaseEvent.objects.filter(kind=CaseEventKind.STATUS_LINK_REVOKED).exists()
