"""/api/v1/care: follow-ups, callbacks, calls due and logging a call through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine

from rapport.care.models import Promise
from rapport.cases.models import Call
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World

NIGHT = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)
MORNING = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def test_follow_up_calls_due_and_log_the_call(world: World, api_as: Any) -> None:
    api = api_as(world.agent)
    with time_machine.travel(NIGHT, tick=False):
        response = api.post(f"/care/cases/{world.case.pk}/follow-ups", {})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["due_at"] == "2026-11-24T09:00:00Z"
    assert (
        body["due_local"] == "2026-11-24T10:00:00+01:00" and body["owner"]["id"] == world.agent.pk
    )
    with time_machine.travel(MORNING, tick=False):
        due = api.get("/care/calls-due").json()["items"]
        assert [p["id"] for p in due] == [body["id"]]
        logged = api.post(
            f"/care/promises/{body['id']}/call",
            {"outcome": "reached_fine", "notes": "All well", "duration_seconds": 90},
        )
    assert logged.status_code == 200 and logged.json()["status"] == "kept"
    assert Call.objects.get().duration_seconds == 90
    listed = api.get("/care/promises", status="kept", owner="me").json()
    assert [p["id"] for p in listed["items"]] == [body["id"]] and listed["next"] is None


def test_callback_window_quote_and_booking(world: World, api_as: Any) -> None:
    api = api_as(world.agent)
    with time_machine.travel(MORNING, tick=False):
        quote = api.get(f"/care/cases/{world.case.pk}/callback-window").json()
        assert quote["agent"]["display_name"] == "Dr. Ben Hale" and quote["queue_ahead"] == 0
        assert quote["customer_text"].startswith(
            "Dr. Ben Hale will call you Tuesday 24 November, 10:00 to 10:30"
        )
        booked = api.post(f"/care/cases/{world.case.pk}/callbacks", {})
    assert booked.status_code == 201
    assert booked.json()["window_end"] == "2026-11-24T09:30:00Z"


def test_reschedule_and_cancel(world: World, api_as: Any) -> None:
    api = api_as(world.agent)
    with time_machine.travel(NIGHT, tick=False):
        pk = api.post(f"/care/cases/{world.case.pk}/follow-ups", {}).json()["id"]
        moved = api.post(f"/care/promises/{pk}/reschedule", {"to": "2026-11-26T17:00:00+01:00"})
    assert moved.json()["due_at"] == "2026-11-26T16:00:00Z"
    assert_error(api.post(f"/care/promises/{pk}/cancel", {"reason": ""}), 422, "validation_error")
    assert api.post(f"/care/promises/{pk}/cancel", {"reason": "Moved"}).json()["status"] == (
        "cancelled"
    )
    assert_error(
        api.post(f"/care/promises/{pk}/call", {"outcome": "reached_fine"}), 400, "bad_request"
    )


def test_wrong_person_and_anonymous_are_refused(world: World, api_as: Any) -> None:
    with time_machine.travel(NIGHT, tick=False):
        pk = api_as(world.agent).post(f"/care/cases/{world.case.pk}/follow-ups", {}).json()["id"]
    outsider = api_as(world.outsider)
    assert_error(outsider.post(f"/care/cases/{world.case.pk}/follow-ups", {}), 404, "not_found")
    assert_error(outsider.get(f"/care/promises/{pk}"), 404, "not_found")
    assert_error(
        outsider.post(f"/care/promises/{pk}/call", {"outcome": "voicemail"}), 404, "not_found"
    )
    assert outsider.get("/care/promises").json()["items"] == []
    assert_error(ApiClient(None).get("/care/calls-due"), 401, "unauthorized")
    assert Promise.objects.get(pk=pk).status == "open"


def test_past_due_time_is_a_field_error(world: World, api_as: Any) -> None:
    response = api_as(world.agent).post(
        f"/care/cases/{world.case.pk}/follow-ups",
        {"due_at": (datetime.now(UTC) - timedelta(days=1)).isoformat()},
    )
    assert_error(response, 400, "bad_request", field="due_at")
