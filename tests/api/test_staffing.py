"""/api/v1/staffing: one interval's arithmetic as `rapport staffing` gives it, and the week plan
for supervisors."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from rapport.insights.erlang import Load, required
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World

NOW = datetime(2026, 3, 25, 11, 0, tzinfo=UTC)
# A busy half hour: 100 calls of 3 minutes each, 80 % answered within 20 seconds.
INTERVAL = {
    "arrivals": 100,
    "interval_minutes": 30,
    "aht_seconds": 180,
    "target_seconds": 20,
    "service_level": 0.8,
}


def test_the_api_answers_one_interval_like_the_command(api: ApiClient) -> None:
    response = api.get("/staffing/interval", **INTERVAL, max_occupancy=0.85, shrinkage=0.3)
    assert response.status_code == 200, response.content
    body = response.json()
    expected = required(
        Load(
            arrivals=100,
            interval_seconds=1800,
            aht_seconds=180,
            target_seconds=20,
            max_occupancy=0.85,
            shrinkage=0.3,
        )
    )
    assert body == {**expected.as_dict(), "probability_of_abandoning": None}
    assert (body["agents"], body["scheduled_agents"]) == (14, 20)


def test_the_api_refuses_a_load_over_the_agents(api: ApiClient) -> None:
    response = api.get("/staffing/interval", **INTERVAL, agents=10)
    error = assert_error(response, 400, "bad_request")
    assert "cannot carry" in error["message"]


def test_the_week_plan_is_for_supervisors(world: World, api_as: object) -> None:
    clinic = world
    clinic.agent.working_hours = {"wed": [["09:00", "17:00"]]}
    clinic.agent.save()
    agent_api: ApiClient = api_as(clinic.agent)  # type: ignore[operator]
    assert agent_api.get("/staffing/plan").status_code == 404
    boss: ApiClient = api_as(clinic.supervisor)  # type: ignore[operator]
    with time_machine.travel(NOW, tick=False):
        response = boss.get("/staffing/plan", site=clinic.night_site.pk)
    assert response.status_code == 200, response.content
    [site] = response.json()["sites"]
    assert site["site"] == "Night clinic" and site["timezone"] == "Europe/Madrid"
    assert len(site["hours"]) == 7 * 24 - 1
    wednesday_ten = next(h for h in site["hours"] if h["start"].startswith("2026-03-25T10:00"))
    assert wednesday_ten["start"].endswith("+01:00")
    assert wednesday_ten["on_shift"] == 1
    assert assert_error(boss.get("/staffing/plan", site=99999), 404, "not_found")
    assert assert_error(boss.get("/staffing/plan", shrinkage=1), 400, "bad_request")


def test_inputs_whose_product_overflows_are_a_400_not_a_500(api: ApiClient) -> None:
    """Finite but huge arrivals and handle time multiply to infinity: the fuzzer's 500
    (OverflowError converting it to a number of agents)."""
    response = api.get("/staffing/interval", **{**INTERVAL, "arrivals": 1e308, "aht_seconds": 1e10})
    error = assert_error(response, 400, "bad_request")
    assert "more work than 100,000 people" in error["message"]
