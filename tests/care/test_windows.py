"""Wall-clock due times across DST and zones, and the honest next free callback window."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from rapport.care.windows import describe_window, local_day_at, next_free_window, round_up
from rapport.lib.hours import BusinessCalendar


def test_tomorrow_at_ten_keeps_the_wall_clock_across_the_spring_change() -> None:
    # Saturday 28 March 2026 23:30 in Madrid (UTC+1); Sunday is summer time (UTC+2).
    night = datetime(2026, 3, 28, 22, 30, tzinfo=UTC)
    due = local_day_at(night, timezone="Europe/Madrid", days=1, clock=time(10))
    assert due == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)


def test_and_across_the_autumn_change_in_new_york() -> None:
    evening = datetime(2026, 10, 31, 23, 0, tzinfo=UTC)  # Saturday 19:00 EDT
    due = local_day_at(evening, timezone="America/New_York", days=1, clock=time(10))
    assert due == datetime(2026, 11, 1, 15, 0, tzinfo=UTC)  # Sunday 10:00 EST


def test_the_customers_day_not_the_servers() -> None:
    # 23:30 UTC on the 1st is already the 2nd in Tokyo: "tomorrow" there is the 3rd.
    at = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
    due = local_day_at(at, timezone="Asia/Tokyo", days=1, clock=time(10))
    assert due == datetime(2026, 6, 3, 1, 0, tzinfo=UTC)


def test_a_skipped_clock_time_moves_forward() -> None:
    at = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    due = local_day_at(at, timezone="Europe/Madrid", days=1, clock=time(2, 30))
    assert due == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST


def test_next_free_window_queues_behind_booked_callbacks_in_working_time() -> None:
    calendar = BusinessCalendar.build(
        timezone="Europe/Madrid", working_hours={"mon": [["09:00", "17:00"]]}
    )
    sunday = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)
    monday_nine = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    empty = next_free_window(
        calendar=calendar,
        earliest=sunday,
        booked=[],
        per_call=timedelta(minutes=10),
        width=timedelta(minutes=30),
    )
    assert empty is not None
    assert (empty.start, empty.end, empty.queue_ahead) == (
        monday_nine,
        monday_nine + timedelta(minutes=30),
        0,
    )
    busy = next_free_window(
        calendar=calendar,
        earliest=sunday,
        booked=[monday_nine, monday_nine + timedelta(minutes=10), monday_nine + timedelta(hours=3)],
        per_call=timedelta(minutes=10),
        width=timedelta(minutes=30),
    )
    assert busy is not None and busy.queue_ahead == 2
    assert busy.start == monday_nine + timedelta(minutes=20)
    text = describe_window(busy.start, busy.end, timezone="Europe/Madrid")
    assert text == "Monday 23 November, 09:20 to 09:50 (Europe/Madrid)"


def test_round_up_to_five_minutes() -> None:
    at = datetime(2026, 1, 1, 10, 7, 31, tzinfo=UTC)
    assert round_up(at) == datetime(2026, 1, 1, 10, 10, tzinfo=UTC)
    assert round_up(datetime(2026, 1, 1, 10, 10, tzinfo=UTC)).minute == 10
