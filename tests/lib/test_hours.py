from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from rapport.lib.hours import BusinessCalendar, HoursError

WEEKDAYS = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def madrid(**kwargs: object) -> BusinessCalendar:
    return BusinessCalendar.build(timezone="Europe/Madrid", working_hours=WEEKDAYS, **kwargs)  # type: ignore[arg-type]


def test_open_inside_hours_in_the_sites_own_time_zone() -> None:
    calendar = madrid()
    # Monday 23 Nov 2026, 09:30 in Madrid is 08:30 UTC.
    assert calendar.is_open(datetime(2026, 11, 23, 8, 30, tzinfo=UTC))
    assert not calendar.is_open(datetime(2026, 11, 23, 7, 59, tzinfo=UTC))
    assert not calendar.is_open(datetime(2026, 11, 28, 10, 0, tzinfo=UTC))  # Saturday


def test_deadline_skips_nights_and_weekends() -> None:
    friday_1600 = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # 16:00 Madrid
    due = madrid().add(friday_1600, timedelta(hours=4))
    # One hour on Friday, three on Monday: Monday 12:00 Madrid = 11:00 UTC.
    assert due == datetime(2026, 11, 30, 11, 0, tzinfo=UTC)


def test_public_holidays_are_closed() -> None:
    calendar = madrid(country="ES", region="MD")
    christmas = datetime(2026, 12, 25, 10, 0, tzinfo=UTC)
    assert not calendar.is_open(christmas)
    assert calendar.next_open(christmas) == datetime(2026, 12, 28, 8, 0, tzinfo=UTC)


def test_custom_closure() -> None:
    calendar = madrid(closures=[date(2026, 11, 24)])
    monday_evening = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    assert calendar.next_open(monday_evening) == datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def test_overnight_shift_runs_into_the_next_day() -> None:
    night = BusinessCalendar.build(
        timezone="Europe/Madrid", working_hours={"fri": [["20:00", "08:00"]]}
    )
    assert night.is_open(datetime(2026, 11, 28, 5, 0, tzinfo=UTC))  # Saturday 06:00 Madrid
    assert not night.is_open(datetime(2026, 11, 28, 8, 0, tzinfo=UTC))


def test_daylight_saving_change_neither_loses_nor_gains_an_hour() -> None:
    calendar = BusinessCalendar.build(
        timezone="Europe/Madrid", working_hours={"sun": [["00:00", "24:00"]]}
    )
    # 29 March 2026: clocks jump from 02:00 to 03:00, so Sunday has 23 working hours.
    start = datetime(2026, 3, 28, 23, 0, tzinfo=UTC)  # Sunday 00:00 Madrid (CET)
    end = datetime(2026, 3, 29, 22, 0, tzinfo=UTC)  # Monday 00:00 Madrid (CEST)
    assert calendar.working_time_between(start, end) == timedelta(hours=23)
    assert calendar.add(start, timedelta(hours=3)) == datetime(2026, 3, 29, 2, 0, tzinfo=UTC)


def test_bad_hours_fail_with_a_clear_message() -> None:
    with pytest.raises(HoursError, match="not a time of day"):
        BusinessCalendar.build(timezone="UTC", working_hours={"mon": [["9am", "5pm"]]})
    with pytest.raises(HoursError, match="not a day"):
        BusinessCalendar.build(timezone="UTC", working_hours={"monday": [["09:00", "17:00"]]})
    with pytest.raises(HoursError, match="time zone"):
        BusinessCalendar.build(timezone="Mars/Olympus", working_hours={})


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        madrid().is_open(datetime(2026, 11, 23, 10, 0))  # noqa: DTZ001 - the point of the test


@settings(max_examples=300, deadline=None)
@given(
    zone=st.sampled_from(["Europe/Madrid", "America/Toronto", "Asia/Kolkata", "UTC"]),
    shifts=st.lists(
        st.tuples(st.integers(0, 23), st.integers(1, 24)).map(
            lambda s: [f"{s[0]:02d}:00", f"{s[1]:02d}:00" if s[1] < 24 else "24:00"]
        ),
        min_size=0,
        max_size=3,
    ),
    days=st.lists(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), max_size=7),
    at=st.datetimes(
        min_value=datetime(2026, 1, 1),  # noqa: DTZ001 - made aware below
        max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    ),
)
def test_is_open_agrees_with_the_next_working_interval(
    zone: str, shifts: list[list[str]], days: list[str], at: datetime
) -> None:
    """Open exactly when the first working interval not yet over has begun (shifts past
    midnight, overlapping shifts, holidays and daylight saving changes included)."""
    try:
        calendar = BusinessCalendar.build(
            timezone=zone, working_hours=dict.fromkeys(days, shifts), country="ES"
        )
    except HoursError:
        reject()  # a shift without length
    moment = at.replace(tzinfo=UTC)
    first = next(iter(calendar.intervals_from(moment)), None)
    assert calendar.is_open(moment) == (first is not None and first[0] <= moment)
    assert calendar.is_open(moment) == calendar.is_open(moment)  # from the remembered days too
