from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rapport.lib.hours import DAY_KEYS, BusinessCalendar
from rapport.routing.sla import DEFAULT_POLICIES, Policy, deadlines, next_response_due, pick_policy

OFFICE = BusinessCalendar.build(
    timezone="America/New_York", working_hours={d: [["09:00", "17:00"]] for d in DAY_KEYS[:5]}
)
FRIDAY_4PM = datetime(2026, 11, 27, 21, 0, tzinfo=UTC)  # 16:00 in New York


def test_channel_specific_policy_wins() -> None:
    assert pick_policy(DEFAULT_POLICIES, priority="normal", channel="chat").channel == "chat"
    assert pick_policy(DEFAULT_POLICIES, priority="normal", channel="email").channel == ""


def test_operator_policies_fall_back_to_defaults_for_missing_priorities() -> None:
    mine = [Policy("normal", "", timedelta(hours=2), timedelta(hours=4), timedelta(days=2))]
    assert pick_policy(mine, priority="normal", channel="email").first_response == timedelta(
        hours=2
    )
    assert pick_policy(mine, priority="urgent", channel="email").priority == "urgent"


def test_first_response_counts_business_hours_only() -> None:
    normal = pick_policy(DEFAULT_POLICIES, priority="normal", channel="email")
    due = deadlines(normal, received_at=FRIDAY_4PM, calendar=OFFICE)
    # One hour on Friday, three on Monday: Monday 12:00 New York = 17:00 UTC.
    assert due.first_response_due_at == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)


def test_urgent_runs_around_the_clock() -> None:
    urgent = pick_policy(DEFAULT_POLICIES, priority="urgent", channel="email")
    due = deadlines(urgent, received_at=FRIDAY_4PM, calendar=OFFICE)
    assert due.first_response_due_at == FRIDAY_4PM + timedelta(minutes=30)


def test_upset_customers_get_tighter_deadlines() -> None:
    high = pick_policy(DEFAULT_POLICIES, priority="high", channel="email")
    monday_10 = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    relaxed = next_response_due(high, customer_wrote_at=monday_10, calendar=OFFICE)
    tight = next_response_due(high, customer_wrote_at=monday_10, calendar=OFFICE, tight=True)
    assert tight - monday_10 == (relaxed - monday_10) / 2
