"""A typed time is that zone's time: the zone/DST matrix behind every form that takes one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from rapport.lib.errors import ActionError
from rapport.lib.wallclock import WallClockField, in_zone


@pytest.mark.parametrize(
    ("typed", "zone", "utc"),
    [
        ("2027-07-15T09:00", "Europe/Lisbon", datetime(2027, 7, 15, 8, 0, tzinfo=UTC)),
        ("2027-01-15T09:00", "Europe/Lisbon", datetime(2027, 1, 15, 9, 0, tzinfo=UTC)),
        ("2027-01-12T10:00", "America/Toronto", datetime(2027, 1, 12, 15, 0, tzinfo=UTC)),
        ("2027-07-13T10:00", "America/Toronto", datetime(2027, 7, 13, 14, 0, tzinfo=UTC)),
        ("2027-01-12 10:00", "Australia/Sydney", datetime(2027, 1, 11, 23, 0, tzinfo=UTC)),
        ("2027-07-12 10:00", "Australia/Sydney", datetime(2027, 7, 12, 0, 0, tzinfo=UTC)),
        ("2027-03-14T09:00", "Asia/Kolkata", datetime(2027, 3, 14, 3, 30, tzinfo=UTC)),
        # The night the clocks go back repeats 02:00-03:00: the first of the two is taken.
        ("2026-10-25T02:30", "Europe/Madrid", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        # An explicit offset is kept whatever zone is named beside it.
        ("2027-07-15T09:00+02:00", "Europe/Lisbon", datetime(2027, 7, 15, 7, 0, tzinfo=UTC)),
    ],
)
def test_a_typed_time_is_read_in_the_zone_named_beside_it(
    typed: str, zone: str, utc: datetime
) -> None:
    value = WallClockField().clean(typed)
    assert in_zone(value, zone) == utc


def test_the_field_ignores_the_viewers_zone(settings: object) -> None:
    with timezone.override("Asia/Tokyo"):
        value = WallClockField().clean("2027-07-15T09:00")
    assert value.tzinfo is None and (value.hour, value.minute) == (9, 0)


def test_a_time_the_clocks_skip_is_refused_with_a_clear_message() -> None:
    skipped = WallClockField().clean("2027-03-28T02:30")  # Madrid springs forward at 02:00
    with pytest.raises(ActionError, match=r"02:30 does not exist on Sunday 28 March 2027"):
        in_zone(skipped, "Europe/Madrid")
    # The same wall clock is fine where the clocks do not change that night.
    assert in_zone(skipped, "Asia/Tokyo") == datetime(2027, 3, 27, 17, 30, tzinfo=UTC)


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(ActionError, match="not a known time zone"):
        in_zone(datetime(2027, 1, 1, 9, 0), "Mars/Olympus")  # noqa: DTZ001 -- a wall clock


@pytest.mark.parametrize("zone", ["America", "Etc", "x" * 300, "zone.tab", "a\x00b", ""])
def test_a_name_that_is_no_zone_is_refused_with_the_field(zone: str) -> None:
    with pytest.raises(ActionError) as refused:
        in_zone(datetime(2027, 1, 1, 9, 0), zone, field="when")  # noqa: DTZ001 -- a wall clock
    assert "is not a known time zone" in refused.value.message


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("9999-12-31T23:30", "America/Los_Angeles"),
        ("0001-01-01T00:30", "Asia/Tokyo"),
    ],
)
def test_a_time_the_calendar_cannot_hold_in_utc_is_refused(typed: str, zone: str) -> None:
    with pytest.raises(ActionError) as refused:
        in_zone(WallClockField().clean(typed), zone, field="when")
    assert "cannot be placed" in refused.value.message and refused.value.field == "when"
