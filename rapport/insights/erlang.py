"""How many people keep the time-to-human promise: Erlang C and Erlang A, in plain Python.

Pure: no Django, no numpy. Everything is per *interval* (the arrivals of, say, one half-hour), in
seconds. Traffic `A = arrivals x handle time / interval` (Erlangs); chat divides the handle time
by how many chats one person holds at once (`concurrency`).

- Erlang C (M/M/N, callers wait for ever): Erlang B by its stable recursion
  `B(n) = A·B(n-1) / (n + A·B(n-1))`, then `C = N·B / (N - A·(1 - B))`. It never forms `A**N` or
  `N!`, so it holds for thousands of agents. Service level `1 - C·exp(-(N-A)·t/AHT)`, average
  speed of answer `C·AHT/(N-A)`, occupancy `A/N`. Needs `N > A`: at or over the load the queue
  grows without end, which is an error, not a number.
- Erlang A (M/M/N+M, callers hang up after an exponential patience): the birth-death chain's
  stationary distribution, grown until its tail is negligible; the service level from the tagged
  caller's absorbing chain by uniformisation, for every queue position at once. Any load is
  stable because callers leave.

Staffing picks the fewest agents meeting the service level without passing the maximum
occupancy, then rosters `ceil(agents / (1 - shrinkage))` for breaks, training and absence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# The stationary chain stops growing once a new state carries less than this share of the mass.
TAIL = 1e-15
# No desk staffs this many people for one interval; a search that reaches it has a nonsense input.
MOST_AGENTS = 100_000


class StaffingError(ValueError):
    """A question with no answer: a load the agents cannot carry, or a nonsense input."""


@dataclass(frozen=True)
class Load:
    """The work of one interval and the promise it must keep."""

    arrivals: float
    interval_seconds: float
    aht_seconds: float
    target_seconds: float
    service_level: float = 0.8
    max_occupancy: float = 1.0
    shrinkage: float = 0.0
    concurrency: float = 1.0  # chats one person holds at once; 1 for calls
    patience_seconds: float | None = None  # mean patience before hanging up: Erlang A

    def __post_init__(self) -> None:
        _at_least("arrivals", self.arrivals, 0.0, strict=False)
        _at_least("interval", self.interval_seconds, 0.0)
        _at_least("handle time", self.aht_seconds, 0.0)
        _at_least("target answer time", self.target_seconds, 0.0, strict=False)
        _at_least("concurrency", self.concurrency, 1.0, strict=False)
        if not 0.0 < self.service_level < 1.0:
            raise StaffingError("The service level is a share between 0 and 1, e.g. 0.8 for 80%.")
        if not 0.0 < self.max_occupancy <= 1.0:
            raise StaffingError(
                "The maximum occupancy is a share above 0 and at most 1, e.g. 0.85."
            )
        if not 0.0 <= self.shrinkage < 1.0:
            raise StaffingError("Shrinkage is a share from 0 up to (not including) 1, e.g. 0.3.")
        if self.patience_seconds is not None:
            _at_least("patience", self.patience_seconds, 0.0)
        if not math.isfinite(self.erlangs) or self.erlangs > MOST_AGENTS:
            # Huge but finite inputs multiply to infinity (a fuzzer's 1e308 arrivals).
            raise StaffingError(
                f"That is more work than {MOST_AGENTS:,} people can do in one interval: "
                "check the inputs."
            )

    @property
    def handle_seconds(self) -> float:
        """The time one contact holds one person's capacity (chat shares it)."""
        return self.aht_seconds / self.concurrency

    @property
    def erlangs(self) -> float:
        return self.arrivals * self.handle_seconds / self.interval_seconds


@dataclass(frozen=True)
class Outcome:
    """What `agents` people on duty give for a load."""

    agents: int
    scheduled_agents: int
    probability_of_waiting: float
    service_level: float
    average_speed_of_answer_seconds: float
    occupancy: float
    probability_of_abandoning: float | None = None  # Erlang A only

    def as_dict(self) -> dict[str, float | int | None]:
        answer: dict[str, float | int | None] = {
            "agents": self.agents,
            "scheduled_agents": self.scheduled_agents,
            "probability_of_waiting": self.probability_of_waiting,
            "service_level": self.service_level,
            "average_speed_of_answer_seconds": self.average_speed_of_answer_seconds,
            "occupancy": self.occupancy,
        }
        if self.probability_of_abandoning is not None:
            answer["probability_of_abandoning"] = self.probability_of_abandoning
        return answer


def _at_least(name: str, value: float, low: float, *, strict: bool = True) -> None:
    if not math.isfinite(value) or value < low or (strict and value == low):
        bound = "above" if strict else "at least"
        raise StaffingError(f"The {name} must be a number {bound} {low:g}; got {value!r}.")


def scheduled(agents: int, shrinkage: float) -> int:
    """People to roster so `agents` are on duty after breaks, training and absence."""
    return math.ceil(agents / (1.0 - shrinkage) - 1e-9)


# Erlang C ---------------------------------------------------------------------------------------


def erlang_b(agents: int, erlangs: float) -> float:
    """Blocking probability with `agents` servers and no queue (the stable recursion)."""
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = erlangs * blocking / (n + erlangs * blocking)
    return blocking


def erlang_c(agents: int, erlangs: float) -> float:
    """Probability an arrival waits, when callers never hang up."""
    if agents <= erlangs:
        raise StaffingError(
            f"{agents} agents cannot carry {erlangs:.2f} Erlangs of work: "
            "the queue would grow without end. Staff more than the load."
        )
    blocking = erlang_b(agents, erlangs)
    return agents * blocking / (agents - erlangs * (1.0 - blocking))


def _erlang_c_outcome(load: Load, agents: int) -> Outcome:
    erlangs = load.erlangs
    if erlangs == 0.0:
        return Outcome(agents, scheduled(agents, load.shrinkage), 0.0, 1.0, 0.0, 0.0)
    waiting = erlang_c(agents, erlangs)
    spare = agents - erlangs
    late = waiting * math.exp(-spare * load.target_seconds / load.handle_seconds)
    return Outcome(
        agents=agents,
        scheduled_agents=scheduled(agents, load.shrinkage),
        probability_of_waiting=waiting,
        service_level=1.0 - late,
        average_speed_of_answer_seconds=waiting * load.handle_seconds / spare,
        occupancy=erlangs / agents,
    )


# Erlang A ---------------------------------------------------------------------------------------


def _stationary(agents: int, arrival: float, service: float, abandon: float) -> list[float]:
    """P(n in the system) for n = 0, 1, ...: a birth-death chain grown until its tail is nil."""
    weights = [1.0]
    total = 1.0
    n = 0
    while True:
        n += 1
        leaving = min(n, agents) * service + max(n - agents, 0) * abandon
        weight = weights[-1] * arrival / leaving
        weights.append(weight)
        total += weight
        if weight > 1e200:  # heavy traffic: rescale before the floats overflow
            weights = [w / 1e200 for w in weights]
            total /= 1e200
        if n > agents and weight < TAIL * total:
            break
    return [w / total for w in weights]


def _served_within(
    agents: int, service: float, abandon: float, queue: int, t: float
) -> list[float]:
    """For each number ahead j = 0..queue: P(a waiting caller is answered within t).

    The tagged caller moves up when one ahead is answered or hangs up (rate `N·mu + j·theta`), is
    answered from the head (rate `N·mu`) and hangs up at `theta`. Uniformised at rate `big`,
    `reach[j]` after k steps is P(answered within k jumps from j); weighting by Poisson(big·t)
    gives the answer for all j at once.
    """
    big = agents * service + (queue + 1) * abandon
    jumps = big * t
    reach = [0.0] * (queue + 1)
    answered = [0.0] * (queue + 1)
    if jumps == 0.0:
        return answered
    steps = int(jumps + 12.0 * math.sqrt(jumps) + 30)
    for k in range(1, steps + 1):
        previous = reach
        # Within k jumps a caller can move at most k places: farther back stays at 0.
        reach = previous[:]
        for j in range(min(k, queue + 1)):
            onward = agents * service + j * abandon
            stay = big - onward - abandon
            ahead = 1.0 if j == 0 else previous[j - 1]
            reach[j] = (onward * ahead + stay * previous[j]) / big
        # Poisson(jumps) at k, in log space: exp(-jumps) alone underflows for long targets.
        weight = math.exp(k * math.log(jumps) - jumps - math.lgamma(k + 1))
        for j in range(min(k, queue + 1)):
            answered[j] += weight * reach[j]
    return answered


def _erlang_a_outcome(load: Load, agents: int, patience_seconds: float) -> Outcome:
    arrival = load.arrivals / load.interval_seconds
    if arrival == 0.0:
        return Outcome(agents, scheduled(agents, load.shrinkage), 0.0, 1.0, 0.0, 0.0, 0.0)
    service = 1.0 / load.handle_seconds
    abandon = 1.0 / patience_seconds
    states = _stationary(agents, arrival, service, abandon)
    waiting = sum(states[agents:])
    queued = sum((n - agents) * p for n, p in enumerate(states) if n > agents)
    abandoning = abandon * queued / arrival
    answered_now = sum(states[:agents])
    queue = len(states) - 1 - agents
    within = _served_within(agents, service, abandon, queue, load.target_seconds)
    late_answered = sum(states[agents + j] * within[j] for j in range(queue + 1))
    return Outcome(
        agents=agents,
        scheduled_agents=scheduled(agents, load.shrinkage),
        probability_of_waiting=waiting,
        service_level=min(1.0, answered_now + late_answered),
        average_speed_of_answer_seconds=queued / arrival,  # Little's law over every arrival
        occupancy=arrival * (1.0 - abandoning) / (agents * service),
        probability_of_abandoning=abandoning,
    )


# The questions ----------------------------------------------------------------------------------


def outcome(load: Load, agents: int) -> Outcome:
    """What `agents` people on duty give; an error when they cannot carry the load (Erlang C)."""
    if agents < 1:
        raise StaffingError(f"The number of agents must be at least 1; got {agents}.")
    if load.patience_seconds is not None:
        return _erlang_a_outcome(load, agents, load.patience_seconds)
    return _erlang_c_outcome(load, agents)


def required(load: Load) -> Outcome:
    """The fewest agents meeting the service level within the maximum occupancy."""
    if load.erlangs == 0.0:
        return outcome(load, 1)
    # Erlang C needs more agents than the load. Under Erlang A the answered share is at most
    # agents / load (the rest hang up), so fewer than `service level x load` can never do.
    if load.patience_seconds is None:
        agents = math.floor(load.erlangs) + 1
    else:
        agents = max(1, math.floor(load.service_level * load.erlangs))
    # More agents never lower the service level nor raise the occupancy, so the answer is the
    # first count that meets both: double until one does, then halve the gap.
    low, high = agents - 1, agents
    best = _meeting(load, high)
    while best is None:
        low, high = high, high * 2
        if high > MOST_AGENTS:
            raise StaffingError(
                f"More than {MOST_AGENTS:,} agents for one interval: check the inputs."
            )
        best = _meeting(load, high)
    while high - low > 1:
        middle = (low + high) // 2
        found = _meeting(load, middle)
        if found is None:
            low = middle
        else:
            high, best = middle, found
    return best


def _meeting(load: Load, agents: int) -> Outcome | None:
    result = outcome(load, agents)
    if result.service_level >= load.service_level and result.occupancy <= load.max_occupancy:
        return result
    return None
