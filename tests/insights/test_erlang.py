"""The staffing arithmetic against values published or computed elsewhere, and its properties.

`../shared/fixtures/pyworkforce_erlang` (read in place): Erlang C scenarios with their full tables
and pyworkforce's own assertions, including its Erlang A regression. Exact to the digits given.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.insights.erlang import Load, StaffingError, erlang_c, outcome, required
from tests.conftest import shared_fixture

# The canonical interval: 100 calls in 30 minutes, 3-minute calls, answered in 20 s (10 Erlangs).
CANONICAL: dict[str, float] = {
    "arrivals": 100,
    "interval_seconds": 1800,
    "aht_seconds": 180,
    "target_seconds": 20,
}


def _reference() -> dict[str, Any]:
    path = shared_fixture("pyworkforce_erlang", "erlang_c_reference_values.json")
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def _assertions() -> dict[str, Any]:
    path = shared_fixture("pyworkforce_erlang", "pyworkforce_assertions.json")
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def _load(inputs: dict[str, Any]) -> Load:
    return Load(
        arrivals=inputs["calls"],
        interval_seconds=inputs["interval_min"] * 60,
        aht_seconds=inputs["aht_s"],
        target_seconds=inputs["target_answer_s"],
        service_level=inputs["sl_target"],
        max_occupancy=inputs["max_occupancy"],
        shrinkage=inputs["shrinkage"],
    )


def test_every_reference_scenario_staffs_and_scores_as_published() -> None:
    scenarios = _reference()["scenarios"]
    assert len(scenarios) >= 7
    for scenario in scenarios:
        load = _load(scenario["inputs"])
        want = scenario["required"]
        got = required(load)
        assert load.erlangs == pytest.approx(want["traffic_erlangs"]), scenario["name"]
        assert got.agents == want["agents"], scenario["name"]
        assert got.scheduled_agents == want["scheduled_with_shrinkage"], scenario["name"]
        assert got.probability_of_waiting == pytest.approx(want["waiting_probability"], abs=1e-6)
        assert got.service_level == pytest.approx(want["service_level"], abs=1e-6)
        assert got.average_speed_of_answer_seconds == pytest.approx(want["asa_seconds"], abs=1e-4)
        assert got.occupancy == pytest.approx(want["occupancy"], abs=1e-6)


def test_every_row_of_every_reference_table_matches() -> None:
    rows = 0
    for scenario in _reference()["scenarios"]:
        load = _load(scenario["inputs"])
        for row in scenario.get("table", []):
            got = outcome(load, row["agents"])
            assert got.probability_of_waiting == pytest.approx(row["waiting_probability"], abs=1e-6)
            assert got.service_level == pytest.approx(row["service_level"], abs=1e-6)
            assert got.average_speed_of_answer_seconds == pytest.approx(
                row["asa_seconds"], abs=1e-4
            )
            assert got.occupancy == pytest.approx(row["occupancy"], abs=1e-6)
            rows += 1
    assert rows >= 40


def _pyworkforce_load(inputs: dict[str, Any], **extra: Any) -> Load:
    return Load(
        arrivals=inputs["transactions"],
        interval_seconds=inputs["interval_min"] * 60,
        aht_seconds=inputs["aht_min"] * 60,
        target_seconds=inputs["asa_min"] * 60,
        shrinkage=inputs.get("shrinkage", 0.0),
        **extra,
    )


def test_pyworkforce_erlang_c_assertions_to_three_decimals() -> None:
    for case in _assertions()["erlang_c"]:
        inputs, want = case["inputs"], case["expect"]
        load = _pyworkforce_load(
            inputs, service_level=inputs["service_level"], max_occupancy=inputs["max_occupancy"]
        )
        got = required(load)
        assert got.agents == want["raw_positions"]
        assert got.scheduled_agents == want["positions"]
        assert round(got.service_level, 3) == want["service_level_round3"]
        assert round(got.occupancy, 3) == want["occupancy_round3"]
        assert round(got.probability_of_waiting, 3) == want["waiting_probability_round3"]


def test_pyworkforce_erlang_a_regression_to_its_digits() -> None:
    case = _assertions()["erlang_a_regression"]
    inputs, want = case["inputs"], case["expect"]
    load = _pyworkforce_load(inputs, patience_seconds=inputs["patience_min"] * 60)
    got = outcome(load, inputs["positions"])
    assert round(got.probability_of_waiting, 5) == want["waiting_probability_round5"]
    assert got.probability_of_abandoning is not None
    assert round(got.probability_of_abandoning, 6) == want["abandonment_probability_round6"]
    assert round(got.occupancy, 6) == want["occupancy_round6"]
    asa_minutes = got.average_speed_of_answer_seconds / 60
    assert round(asa_minutes, 6) == want["average_speed_of_answer_min_round6"]
    assert round(got.service_level, 6) == want["service_level_round6"]


def test_a_load_at_the_number_of_agents_is_refused() -> None:
    load = Load(**CANONICAL)
    assert load.erlangs == 10
    with pytest.raises(StaffingError, match="cannot carry"):
        outcome(load, 10)
    with pytest.raises(StaffingError, match="cannot carry"):
        outcome(load, 9)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("shrinkage", 1.0, "Shrinkage"),
        ("shrinkage", -0.1, "Shrinkage"),
        ("service_level", 1.8, "service level"),
        ("service_level", 0.0, "service level"),
        ("max_occupancy", 1.2, "maximum occupancy"),
        ("max_occupancy", 0.0, "maximum occupancy"),
        ("aht_seconds", 0.0, "handle time"),
        ("interval_seconds", -30.0, "interval"),
        ("arrivals", math.nan, "arrivals"),
        ("arrivals", -1.0, "arrivals"),
        ("target_seconds", math.inf, "target"),
        ("concurrency", 0.5, "concurrency"),
        ("patience_seconds", 0.0, "patience"),
    ],
)
def test_nonsense_inputs_are_refused_with_what_was_wrong(
    field: str, value: float, message: str
) -> None:
    good: dict[str, Any] = {
        "arrivals": 100.0,
        "interval_seconds": 1800.0,
        "aht_seconds": 180.0,
        "target_seconds": 20.0,
    }
    with pytest.raises(StaffingError, match=message):
        Load(**{**good, field: value})


def test_erlang_a_approaches_erlang_c_as_callers_grow_patient() -> None:
    for agents in (15, 20, 25):
        patient = outcome(
            Load(
                **CANONICAL,
                patience_seconds=1e9,
            ),
            agents,
        )
        waits = outcome(Load(**CANONICAL), agents)
        assert patient.probability_of_waiting == pytest.approx(
            waits.probability_of_waiting, abs=1e-4
        )
        assert patient.occupancy == pytest.approx(waits.occupancy, abs=1e-4)
        assert patient.service_level == pytest.approx(waits.service_level, abs=1e-3)


def test_less_patient_callers_hang_up_more() -> None:
    def abandoning(patience: float) -> float:
        load = Load(
            **CANONICAL,
            patience_seconds=patience,
        )
        value = outcome(load, 12).probability_of_abandoning
        assert value is not None
        return value

    assert abandoning(60) > abandoning(300) > abandoning(1200) > 0


def test_erlang_a_carries_a_load_erlang_c_cannot() -> None:
    load = Load(
        **CANONICAL,
        patience_seconds=120,
    )
    got = outcome(load, 8)  # fewer than the 10 Erlangs: callers hang up, the queue stays finite
    assert got.probability_of_abandoning is not None and got.probability_of_abandoning > 0.15
    assert got.occupancy < 1


def test_chat_concurrency_divides_the_load() -> None:
    calls = Load(arrivals=120, interval_seconds=3600, aht_seconds=600, target_seconds=30)
    chats = Load(
        arrivals=120, interval_seconds=3600, aht_seconds=600, target_seconds=30, concurrency=3
    )
    assert chats.erlangs == pytest.approx(calls.erlangs / 3)
    assert required(chats).agents < required(calls).agents


def test_hundreds_of_agents_stay_finite_and_exact_enough() -> None:
    load = Load(arrivals=30_000, interval_seconds=1800, aht_seconds=300, target_seconds=20)
    got = required(load)  # 5,000 Erlangs: a factorial here would overflow long before
    assert 5000 < got.agents < 5100
    assert 0.8 <= got.service_level < 0.81
    assert math.isfinite(erlang_c(got.agents, load.erlangs))


def test_shrinkage_raises_the_roster_not_the_agents_on_duty() -> None:
    plain = required(Load(**CANONICAL))
    shrunk = required(Load(**CANONICAL, shrinkage=0.3))
    assert shrunk.agents == plain.agents
    assert shrunk.scheduled_agents == math.ceil(plain.agents / 0.7) > plain.scheduled_agents


loads = st.builds(
    Load,
    arrivals=st.floats(min_value=1, max_value=5000),
    interval_seconds=st.sampled_from([900.0, 1800.0, 3600.0]),
    aht_seconds=st.floats(min_value=30, max_value=1800),
    target_seconds=st.floats(min_value=0, max_value=300),
    patience_seconds=st.one_of(st.none(), st.floats(min_value=30, max_value=1800)),
)


@settings(max_examples=60, deadline=None)
@given(load=loads, extra=st.integers(min_value=1, max_value=6))
def test_more_agents_never_lower_the_service_level_and_answer_sooner(
    load: Load, extra: int
) -> None:
    first = math.floor(load.erlangs) + 1
    fewer, more = outcome(load, first), outcome(load, first + extra)
    assert more.service_level >= fewer.service_level - 1e-12
    assert more.average_speed_of_answer_seconds <= fewer.average_speed_of_answer_seconds + 1e-9
    assert more.probability_of_waiting <= fewer.probability_of_waiting + 1e-12
    assert 0 <= more.service_level <= 1 and 0 <= more.occupancy <= 1


@settings(max_examples=40, deadline=None)
@given(load=loads)
def test_the_staff_found_is_the_fewest_that_keeps_the_promise(load: Load) -> None:
    got = required(load)
    assert got.service_level >= load.service_level
    assert got.occupancy <= load.max_occupancy
    if got.agents > 1:
        try:
            one_fewer = outcome(load, got.agents - 1)
        except StaffingError:
            return  # one fewer cannot carry the load at all
        assert (
            one_fewer.service_level < load.service_level or one_fewer.occupancy > load.max_occupancy
        )


def test_little_law_holds_for_erlang_a() -> None:
    load = Load(
        **CANONICAL,
        patience_seconds=300,
    )
    for agents in range(14, 22):
        got = outcome(load, agents)
        # Queue length over arrival rate is the mean wait; abandonment is queue x theta / lambda.
        assert got.probability_of_abandoning is not None
        arrival = 100 / 1800
        queue = got.average_speed_of_answer_seconds * arrival
        assert got.probability_of_abandoning == pytest.approx(queue / 300 / arrival)
