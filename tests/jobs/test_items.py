"""The records of items put off: how long an item waits, and when a record is forgotten."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rapport.jobs.items import SweepItems, forget_stale, wait_after
from rapport.jobs.models import DeferredItem

NOW = datetime(2030, 5, 6, 8, 0, tzinfo=UTC)


def test_the_wait_doubles_up_to_an_hour() -> None:
    minutes = [wait_after(n) / timedelta(minutes=1) for n in (1, 2, 3, 4, 5, 6, 7, 8, 1000)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_a_failure_is_rolled_back_and_put_off(db: None) -> None:
    items = SweepItems("test_sweep", now=NOW)
    with items.attempt(7):
        DeferredItem.objects.create(
            sweep="written", item=1, first_failed_at=NOW, last_failed_at=NOW, retry_at=NOW
        )
        raise ValueError("a broken row")
    assert items.deferred == [7]
    held = DeferredItem.objects.get()  # the block's own write was rolled back
    assert (held.sweep, held.item, held.failures) == ("test_sweep", 7, 1)
    assert held.error == "ValueError: a broken row"
    assert list(items.put_off()) == [7]
    assert list(SweepItems("test_sweep", now=held.retry_at).put_off()) == []


def test_records_not_tried_for_a_day_are_forgotten(db: None) -> None:
    old = DeferredItem.objects.create(
        sweep="sla_breach",
        item=3,
        failures=4,
        first_failed_at=NOW - timedelta(days=3),
        last_failed_at=NOW - timedelta(days=2),
        retry_at=NOW - timedelta(days=1, seconds=1),
    )
    recent = DeferredItem.objects.create(
        sweep="sla_breach",
        item=4,
        failures=1,
        first_failed_at=NOW,
        last_failed_at=NOW,
        retry_at=NOW - timedelta(hours=23),
    )
    assert forget_stale(now=NOW) == {"forgotten": [old.pk]}
    assert list(DeferredItem.objects.values_list("pk", flat=True)) == [recent.pk]
