"""Callbacks: an honest window from who is on shift and the queue, with a named person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from rapport.care.actions.callbacks import book_callback
from rapport.care.models import PromiseKind
from rapport.cases.models import Notification
from rapport.lib.errors import ActionError
from rapport.people.models import Agent
from tests.conftest import World

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 11:00 in Madrid
SUNDAY_NIGHT = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)
WEEKDAYS = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def test_continuity_first_and_the_queue_makes_the_window_honest(world: World) -> None:
    with time_machine.travel(MONDAY, tick=False):
        first = book_callback(case=world.case, by=world.agent)
        second = book_callback(case=world.case, by=world.agent)
        third = book_callback(case=world.case, by=None)  # the customer asked (portal, chat)
    # Ben is the customer's own vet and on shift: he calls, one after the other.
    assert {first.owner_id, second.owner_id, third.owner_id} == {world.colleague.pk}
    assert first.kind == PromiseKind.CALLBACK
    assert [p.due_at for p in (first, second, third)] == [
        MONDAY,
        MONDAY + timedelta(minutes=10),
        MONDAY + timedelta(minutes=20),
    ]
    assert first.window_end == MONDAY + timedelta(minutes=30)
    assert first.miss_at == first.window_end + timedelta(minutes=15)
    assert Notification.objects.filter(kind="callback_booked", agent=world.colleague).count() == 3


def test_nobody_on_shift_promises_the_next_shift_and_refuses_a_closed_time(world: World) -> None:
    Agent.objects.update(working_hours=WEEKDAYS, timezone="Europe/Madrid")
    with time_machine.travel(SUNDAY_NIGHT, tick=False):
        promise = book_callback(case=world.case, by=world.agent)
        assert promise.due_at == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 09:00 Madrid
        with pytest.raises(ActionError) as refused:
            book_callback(
                case=world.case, by=world.agent, window_start=SUNDAY_NIGHT + timedelta(hours=1)
            )
    assert refused.value.field == "window_start"
    assert "Monday 23 November, 09:" in refused.value.message


def test_the_customer_chooses_a_window_when_someone_is_on_shift(world: World) -> None:
    Agent.objects.update(working_hours=WEEKDAYS, timezone="Europe/Madrid")
    chosen = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)  # Tuesday 15:00 in Madrid
    with time_machine.travel(SUNDAY_NIGHT, tick=False):
        promise = book_callback(case=world.case, by=world.agent, window_start=chosen)
    assert promise.due_at == chosen and promise.owner_id == world.colleague.pk


def test_a_time_that_has_passed_is_refused(world: World) -> None:
    with pytest.raises(ActionError) as refused:
        book_callback(
            case=world.case, by=world.agent, window_start=datetime(2020, 1, 1, tzinfo=UTC)
        )
    assert refused.value.field == "window_start"
