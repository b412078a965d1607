"""The staffing arithmetic against a discrete-event simulation of the same queue (simpy).

Callers arrive at random (Poisson), are answered by the first free agent in arrival order, take an
exponential handle time and, under Erlang A, hang up after an exponential patience. Seeded, long
enough that the sampling error is well inside the tolerance.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest
import simpy

from rapport.insights.erlang import Load, outcome

CALLERS = 60_000


@dataclass
class Tally:
    callers: int = 0
    waited: int = 0
    in_time: int = 0
    hung_up: int = 0
    total_wait: float = 0.0


def _simulate(load: Load, agents: int, *, seed: int) -> Tally:
    rng = random.Random(seed)  # noqa: S311 - a seeded simulation, not a secret
    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=agents)
    tally = Tally()
    warm_up = 2_000  # callers before the queue reaches its steady state are not counted

    def caller(number: int) -> simpy.events.ProcessGenerator:
        arrived = env.now
        patience = (
            rng.expovariate(1 / load.patience_seconds) if load.patience_seconds else float("inf")
        )
        with desk.request() as request:
            answered = yield request | env.timeout(patience)
            waited = env.now - arrived
            counted = number >= warm_up
            if counted:
                tally.callers += 1
                tally.total_wait += waited
                tally.waited += waited > 0
            if request not in answered:
                tally.hung_up += counted
                return
            tally.in_time += counted and waited <= load.target_seconds
            yield env.timeout(rng.expovariate(1 / load.handle_seconds))

    def arrivals() -> simpy.events.ProcessGenerator:
        rate = load.arrivals / load.interval_seconds
        for number in range(CALLERS + warm_up):
            yield env.timeout(rng.expovariate(rate))
            env.process(caller(number))

    env.process(arrivals())
    env.run()
    return tally


@pytest.mark.parametrize(
    ("load", "agents"),
    [
        (Load(arrivals=100, interval_seconds=1800, aht_seconds=180, target_seconds=20), 14),
        (Load(arrivals=360, interval_seconds=1800, aht_seconds=240, target_seconds=15), 55),
        (
            Load(
                arrivals=100,
                interval_seconds=1800,
                aht_seconds=180,
                target_seconds=20,
                patience_seconds=300,
            ),
            11,
        ),
    ],
    ids=["erlang-c-canonical", "erlang-c-westbay", "erlang-a"],
)
def test_the_formulas_agree_with_a_simulated_queue(load: Load, agents: int) -> None:
    predicted = outcome(load, agents)
    seen = _simulate(load, agents, seed=agents)
    assert seen.waited / seen.callers == pytest.approx(predicted.probability_of_waiting, abs=0.025)
    assert seen.in_time / seen.callers == pytest.approx(predicted.service_level, abs=0.025)
    mean_wait = seen.total_wait / seen.callers
    # The mean wait is the noisiest figure (long, correlated busy spells): a wider band.
    assert mean_wait == pytest.approx(predicted.average_speed_of_answer_seconds, rel=0.3, abs=1.0)
    if predicted.probability_of_abandoning is not None:
        hung_up = seen.hung_up / seen.callers
        assert hung_up == pytest.approx(predicted.probability_of_abandoning, abs=0.01)
