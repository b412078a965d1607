from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.lib.hours import DAY_KEYS, BusinessCalendar
from rapport.routing.core import Candidate, Need, Rule, choose_owner

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday
DAY = BusinessCalendar.build(
    timezone="UTC", working_hours={d: [["08:00", "18:00"]] for d in DAY_KEYS}
)
NIGHT = BusinessCalendar.build(
    timezone="UTC", working_hours={d: [["20:00", "06:00"]] for d in DAY_KEYS}
)


def agent(
    agent_id: int, *, calendar: BusinessCalendar = DAY, load: int = 0, **kw: object
) -> Candidate:
    return Candidate(
        agent_id=agent_id,
        name=f"Agent {agent_id}",
        calendar=calendar,
        open_cases=load,
        capacity=10,
        **kw,  # type: ignore[arg-type]
    )


def test_relationship_owner_first() -> None:
    decision = choose_owner(
        Need(owner_id=2, deputy_id=3), [agent(1), agent(2, load=9), agent(3)], now=NOW
    )
    assert (decision.agent_id, decision.rule) == (2, Rule.RELATIONSHIP_OWNER)
    assert decision.pickup_at == NOW


def test_deputy_when_owner_is_off_shift() -> None:
    decision = choose_owner(
        Need(owner_id=2, deputy_id=3), [agent(2, calendar=NIGHT), agent(3)], now=NOW
    )
    assert (decision.agent_id, decision.rule) == (3, Rule.DEPUTY)
    assert "Agent 2 is off" in decision.reason


def test_last_helper_when_owner_and_deputy_are_full() -> None:
    candidates = [agent(2, load=10), agent(3, available=False), agent(4), agent(5)]
    decision = choose_owner(
        Need(owner_id=2, deputy_id=3, last_helper_ids=(5, 4)), candidates, now=NOW
    )
    assert (decision.agent_id, decision.rule) == (5, Rule.LAST_HELPER)


def test_best_skilled_then_lightest_load() -> None:
    candidates = [
        agent(1, load=1),
        agent(2, load=5, skills=frozenset({"billing"})),
        agent(3, load=0),
    ]
    skilled = choose_owner(Need(skills=frozenset({"billing"})), candidates, now=NOW)
    assert (skilled.agent_id, skilled.rule) == (2, Rule.BEST_AVAILABLE)
    assert choose_owner(Need(), candidates, now=NOW).agent_id == 3


def test_on_call_when_nobody_is_on_shift() -> None:
    candidates = [agent(1, calendar=NIGHT), agent(2, calendar=NIGHT, on_call=True)]
    decision = choose_owner(Need(owner_id=1), candidates, now=NOW)
    assert (decision.agent_id, decision.rule) == (2, Rule.ON_CALL)


def test_honest_pickup_time_when_nobody_is_on_shift_or_on_call() -> None:
    decision = choose_owner(Need(), [agent(1, calendar=NIGHT), agent(2, calendar=NIGHT)], now=NOW)
    assert decision.rule == Rule.NEXT_ON_SHIFT
    assert decision.pickup_at == datetime(2026, 11, 23, 20, 0, tzinfo=UTC)


candidate_strategy = st.builds(
    lambda i, night, load, cap, available, on_call: Candidate(
        agent_id=i,
        name=f"A{i}",
        calendar=NIGHT if night else DAY,
        open_cases=load,
        capacity=cap,
        available=available,
        on_call=on_call,
    ),
    st.integers(1, 50),
    st.booleans(),
    st.integers(0, 15),
    st.integers(0, 12),
    st.booleans(),
    st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(
    candidates=st.lists(
        candidate_strategy, min_size=1, max_size=12, unique_by=lambda c: c.agent_id
    ),
    owner=st.none() | st.integers(1, 50),
    deputy=st.none() | st.integers(1, 50),
    hour=st.integers(0, 23),
)
def test_never_off_shift_or_over_capacity_except_documented_fallbacks(
    candidates: list[Candidate], owner: int | None, deputy: int | None, hour: int
) -> None:
    now = NOW.replace(hour=hour)
    decision = choose_owner(Need(owner_id=owner, deputy_id=deputy), candidates, now=now)
    chosen = next(c for c in candidates if c.agent_id == decision.agent_id)
    if decision.rule in (Rule.ON_CALL, Rule.NEXT_ON_SHIFT):
        assert not any(c.on_shift(now) and c.has_room() for c in candidates)
        assert decision.rule != Rule.ON_CALL or chosen.on_call
        assert decision.pickup_at >= now - timedelta(seconds=1)
    else:
        assert chosen.on_shift(now) and chosen.has_room()


def test_each_shared_calendar_is_asked_once_per_decision() -> None:
    # 300 agents on two calendars, all full but the last: the pool is scanned to the end.
    candidates = [agent(i, calendar=DAY if i % 2 else NIGHT, load=10) for i in range(1, 300)]
    candidates.append(agent(300, calendar=DAY))
    asked: list[BusinessCalendar] = []
    original = BusinessCalendar.is_open

    def counting(calendar: BusinessCalendar, at: datetime) -> bool:
        asked.append(calendar)
        return original(calendar, at)

    with patch.object(BusinessCalendar, "is_open", counting):
        decision = choose_owner(Need(owner_id=2, deputy_id=3), candidates, now=NOW)
    assert (decision.agent_id, decision.rule) == (300, Rule.BEST_AVAILABLE)
    assert len(asked) == 2  # DAY and NIGHT, not one question per agent


def test_next_shift_is_computed_once_per_calendar() -> None:
    candidates = [agent(i, calendar=NIGHT, load=i % 7) for i in range(1, 200)]
    asked: list[BusinessCalendar] = []
    original = BusinessCalendar.next_open

    def counting(calendar: BusinessCalendar, at: datetime) -> datetime | None:
        asked.append(calendar)
        return original(calendar, at)

    with patch.object(BusinessCalendar, "next_open", counting):
        decision = choose_owner(Need(), candidates, now=NOW)
    assert decision.rule == Rule.NEXT_ON_SHIFT
    assert decision.agent_id == 7  # lightest load among equal starts, lowest id first
    assert decision.pickup_at == datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
    assert len(asked) == 1
