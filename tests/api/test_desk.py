"""/api/v1/desk: opening hours, closures and SLA policies — read by everyone, changed only by a
supervisor, through the same actions as `rapport site-hours`, `site-closure` and `sla-policy`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine

from rapport.care.actions.promises import schedule_follow_up
from rapport.care.models import Promise
from rapport.care.sweeps import remind_due
from rapport.routing.actions.opening import open_case
from rapport.routing.models import Closure, SlaPolicy
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World

MONDAY_NOON = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)


def test_a_supervisor_sets_hours_and_closures_everyone_reads_them(
    world: World, api_as: Any
) -> None:
    sam: ApiClient = api_as(world.supervisor)
    site = world.night_site.pk
    response = sam.put(
        f"/desk/sites/{site}/hours", {"hours": "mon-fri 20:00-08:00; sat 09:00-13:00"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["hours"].startswith("mon 20:00-08:00; tue 20:00-08:00")
    assert body["working_hours"]["sat"] == [["09:00", "13:00"]]

    added = sam.post(f"/desk/sites/{site}/closures", {"day": "2026-12-24", "reason": "party"})
    assert added.status_code == 201
    assert added.json()["closures"] == [{"day": "2026-12-24", "reason": "party"}]

    ana: ApiClient = api_as(world.agent)
    listed = ana.get("/desk/sites").json()["items"]
    night = next(s for s in listed if s["id"] == site)
    assert night["closures"] == [{"day": "2026-12-24", "reason": "party"}]
    assert night["hours"] == body["hours"]

    assert sam.delete(f"/desk/sites/{site}/closures/2026-12-24").status_code == 204
    assert not Closure.objects.exists()
    assert_error(sam.delete(f"/desk/sites/{site}/closures/2026-12-24"), 404, "not_found")
    cleared = sam.put(f"/desk/sites/{site}/hours", {"hours": ""})
    assert cleared.json()["hours"] == "" and cleared.json()["working_hours"] == {}


def test_agents_may_read_but_not_change(world: World, api_as: Any) -> None:
    ana: ApiClient = api_as(world.agent)
    site = world.night_site.pk
    assert_error(
        ana.put(f"/desk/sites/{site}/hours", {"hours": "mon 09:00-17:00"}), 403, "forbidden"
    )
    assert_error(ana.post(f"/desk/sites/{site}/closures", {"day": "2026-12-24"}), 403, "forbidden")
    policy = {"priority": "urgent", "first_response_minutes": 5, "next_response_minutes": 5,
              "resolution_minutes": 60}  # fmt: skip
    assert_error(ana.put("/desk/sla-policies", policy), 403, "forbidden")
    assert ana.get("/desk/sla-policies").json() == {"items": [], "next": None}
    assert_error(ApiClient(None).get("/desk/sites"), 401, "unauthorized")
    world.night_site.refresh_from_db()
    assert world.night_site.working_hours == {} and not SlaPolicy.objects.exists()


def test_bad_hours_and_policies_are_refused_clearly(world: World, api_as: Any) -> None:
    sam: ApiClient = api_as(world.supervisor)
    site = world.night_site.pk
    error = assert_error(
        sam.put(f"/desk/sites/{site}/hours", {"hours": "funday 09:00-17:00"}),
        400,
        "bad_request",
        field="hours",
    )
    assert "'funday' is not a day" in error["message"]
    assert_error(sam.put("/desk/sites/999999/hours", {"hours": ""}), 404, "not_found")
    late = {"priority": "high", "first_response_minutes": 600, "next_response_minutes": 60,
            "resolution_minutes": 60}  # fmt: skip
    assert_error(sam.put("/desk/sla-policies", late), 400, "bad_request")
    assert_error(
        sam.put("/desk/sla-policies", {**late, "priority": "asap"}), 422, "validation_error"
    )


@time_machine.travel(MONDAY_NOON, tick=False)
def test_a_policy_set_here_sets_the_next_cases_deadline(world: World, api_as: Any) -> None:
    sam: ApiClient = api_as(world.supervisor)
    policy = {"priority": "normal", "channel": "email", "first_response_minutes": 45,
              "next_response_minutes": 60, "resolution_minutes": 2880,
              "business_hours": False}  # fmt: skip
    response = sam.put("/desk/sla-policies", policy)
    assert response.status_code == 200 and response.json() == policy
    case = open_case(customer=world.customer, subject="", channel="email", text="Hi", by=None)
    assert case.first_response_due_at == MONDAY_NOON + timedelta(minutes=45)
    assert sam.delete("/desk/sla-policies/normal?channel=email").status_code == 204
    assert_error(sam.delete("/desk/sla-policies/normal?channel=email"), 404, "not_found")


ZONE = "Atlantis/Poseidonia"


def test_a_supervisor_sees_what_the_sweeps_put_off(world: World, api_as: Any) -> None:
    due = datetime(2030, 5, 6, 8, 0, tzinfo=UTC)
    promise = schedule_follow_up(
        case=world.case, by=world.agent, due_at=due, purpose="Call", now=due - timedelta(days=1)
    )
    # A zone the tz database no longer has: the reminder raises, and the sweep puts it off.
    Promise.objects.filter(pk=promise.pk).update(timezone=ZONE)
    failed_at = due + timedelta(minutes=5)
    assert remind_due(now=failed_at)["deferred"] == [promise.pk]

    sam: ApiClient = api_as(world.supervisor)
    response = sam.get("/desk/deferred")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "items": [
            {
                "sweep": "promise_reminders",
                "kind": "promise",
                "item": promise.pk,
                "reference": f"Promise #{promise.pk}",
                "reason": f"ZoneInfoNotFoundError: 'No time zone found with key {ZONE}'",
                "failures": 1,
                "first_failed_at": "2030-05-06T08:05:00Z",
                "last_failed_at": "2030-05-06T08:05:00Z",
                "retry_at": "2030-05-06T08:06:00Z",
            }
        ],
        "next": None,
    }
    assert_error(api_as(world.agent).get("/desk/deferred"), 404, "not_found")
    assert_error(ApiClient(None).get("/desk/deferred"), 401, "unauthorized")
