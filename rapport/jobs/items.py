"""Each item of a sweep on its own: one row that raises is put off and reported, the rest go on.

A sweep that met a broken row (a bad time zone on a promise, a case whose owner vanished) used to
raise out of its loop, so every row after it waited, and the same row failed again at the head of
the next tick's batch, for ever. Now a sweep runs each item through `SweepItems.attempt`:

    items = SweepItems("promise_reminders", now=now)
    due = Promise.objects.filter(...).exclude(pk__in=items.put_off())
    for pk in due:
        with items.attempt(pk):
            ...

An item that raises is rolled back alone, logged with its traceback and recorded in
`DeferredItem`: its sweep leaves it out for a minute, then 2, 4, ... up to an hour, never in a
tight loop. The sweep's result lists it under "deferred"; `rapport sweep` shows what is put off.
A later success forgets it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet

from rapport.jobs.models import DeferredItem

logger = logging.getLogger("rapport.scheduler")

FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)
# A record not tried again for this long belongs to an item that is no longer due (kept by hand,
# closed...): the scheduler forgets it.
FORGET_AFTER = timedelta(days=1)


def wait_after(failures: int) -> timedelta:
    """1, 2, 4, ... minutes after the first, second, third... failure, at most an hour."""
    return min(FIRST_WAIT * (1 << min(failures - 1, 16)), LONGEST_WAIT)


class SweepItems:
    """The items one run of one sweep acts on, each in its own transaction."""

    def __init__(self, sweep: str, *, now: datetime) -> None:
        self.sweep = sweep
        self.now = now
        self.deferred: list[int] = []
        self._retrying: set[int] | None = None

    def put_off(self) -> QuerySet[DeferredItem, int]:
        """The items to leave out of the sweep's query (`.exclude(pk__in=items.put_off())`)."""
        return DeferredItem.objects.filter(sweep=self.sweep, retry_at__gt=self.now).values_list(
            "item", flat=True
        )

    @contextmanager
    def attempt(self, item: int) -> Iterator[None]:
        """Run the block for `item` in a transaction; if it raises, roll it back and put the
        item off instead of letting the exception stop the sweep."""
        try:
            with transaction.atomic():
                yield
        except Exception as exc:
            self._defer(item, exc)
        else:
            if item in self._retried():
                DeferredItem.objects.filter(sweep=self.sweep, item=item).delete()

    def _retried(self) -> set[int]:
        # One query per run, and only when the sweep had items: the idle sweep stays one query.
        if self._retrying is None:
            self._retrying = set(
                DeferredItem.objects.filter(sweep=self.sweep, retry_at__lte=self.now).values_list(
                    "item", flat=True
                )
            )
        return self._retrying

    def _defer(self, item: int, exc: Exception) -> None:
        with transaction.atomic():
            record, _ = DeferredItem.objects.select_for_update().get_or_create(
                sweep=self.sweep,
                item=item,
                defaults={
                    "first_failed_at": self.now,
                    "last_failed_at": self.now,
                    "retry_at": self.now,
                },
            )
            record.failures += 1
            record.last_failed_at = self.now
            record.retry_at = self.now + wait_after(record.failures)
            record.error = f"{type(exc).__name__}: {exc}"[:2000]
            record.save(update_fields=["failures", "last_failed_at", "retry_at", "error"])
        self.deferred.append(item)
        logger.error(
            "Sweep %s failed on item %s (%d time(s)); put off until %s",
            self.sweep,
            item,
            record.failures,
            record.retry_at.isoformat(),
            exc_info=exc,
        )


def deferred_items() -> list[DeferredItem]:
    """Everything the sweeps have put off, most failures first (for `rapport sweep`)."""
    return list(DeferredItem.objects.order_by("-failures", "sweep", "item"))


def forget_stale(*, now: datetime) -> dict[str, list[int]]:
    """The jobs app's own sweep: drop records of items no sweep has tried again for a day."""
    stale = DeferredItem.objects.filter(retry_at__lt=now - FORGET_AFTER)
    forgotten = list(stale.values_list("pk", flat=True))
    stale.filter(pk__in=forgotten).delete()
    return {"forgotten": forgotten}
