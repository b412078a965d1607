"""Opening hours as a person writes them, and back."""

from __future__ import annotations

import pytest

from rapport.lib.hours import HoursError, hours_as_text, hours_from_text


def test_ranges_split_shifts_and_overnight() -> None:
    hours = hours_from_text(
        "mon-wed 09:00-13:00, 14:00-18:00; fri 20:00-08:00; sat-mon 10:00-12:00"
    )
    assert hours["mon"] == [["09:00", "13:00"], ["14:00", "18:00"], ["10:00", "12:00"]]
    assert hours["wed"] == [["09:00", "13:00"], ["14:00", "18:00"]]
    assert hours["fri"] == [["20:00", "08:00"]]  # overnight into Saturday
    assert hours["sun"] == [["10:00", "12:00"]]  # sat-mon wraps over the week's end
    assert "thu" not in hours
    assert hours_from_text(hours_as_text(hours)) == hours


@pytest.mark.parametrize("text", ["", ";", "mon", "mon-xyz 09:00-10:00", "mon 09:00-25:00"])
def test_mistakes_say_what_to_fix(text: str) -> None:
    with pytest.raises(HoursError):
        hours_from_text(text)
