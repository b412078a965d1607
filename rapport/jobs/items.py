"""Each item of a sweep on its own: one row that raises is put off and reported, the rest go on.

A sweep that met a broken row (a bad time zone on a promise, a case whose owner vanished) used to
raise out of its loop, so every row after it waited, and the same row failed again at the head of
the next tick's batch, for ever. Now a sweep runs each item through `SweepItems.attempt`:

    items = SweepItems("promise_reminders", now=now)
    due = items.due(Promise.objects.filter(...).values_list("pk", flat=True), batch=500)
    for pk in due:
        with items.attempt(pk):
            ...

An item that raises is rolled back alone, logged with its traceback and recorded in
`DeferredItem`: its sweep leaves it out for a minute, then 2, 4, ... up to an hour, never in a
tight loop. The sweep's result lists it under "deferred"; `put_off_report()` is what `rapport
sweep`, the supervisor's desk page and `GET /api/v1/desk/deferred` show.
A later success forgets it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

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

    def due(self, ids: QuerySet[Any, int], *, batch: int) -> list[int]:
        """Up to `batch` of the sweep's due ids (`values_list("pk", flat=True)`, ordered), the
        put-off ones left out. Nothing due costs one query, as before items were put off; the
        put-off records are read only when something is due, and the batch is read again past
        them only when some of them are in it."""
        found = list(ids[:batch])
        if not found or not self.put_off().filter(item__in=found).exists():
            return found
        return list(ids.exclude(pk__in=self.put_off())[:batch])

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


# What an item of a sweep is ("case", "promise"), named by the feature that registers the sweep:
# jobs knows no model, and a report says "case #12" rather than "sla_breach #12".
ITEM_KINDS: dict[str, str] = {}
REASON_LENGTH = 200


def name_items(kind: str, *sweeps: str) -> None:
    """The items of these sweeps are rows of `kind` (from the feature's AppConfig.ready)."""
    for sweep in sweeps:
        ITEM_KINDS[sweep] = kind


@dataclass(frozen=True)
class PutOff:
    """One item put off, as shown to a supervisor: the reference, the first line of the error
    (no traceback), how often it failed and when it is tried next."""

    sweep: str
    kind: str
    item: int
    reference: str
    reason: str
    failures: int
    first_failed_at: datetime
    last_failed_at: datetime
    retry_at: datetime

    @classmethod
    def of(cls, record: DeferredItem) -> PutOff:
        kind = ITEM_KINDS.get(record.sweep, "item")
        lines = record.error.strip().splitlines() or [""]
        reason = lines[0]
        if len(reason) > REASON_LENGTH:
            reason = reason[: REASON_LENGTH - 1] + "…"
        return cls(
            sweep=record.sweep,
            kind=kind,
            item=record.item,
            reference=f"{kind.capitalize()} #{record.item}",
            reason=reason,
            failures=record.failures,
            first_failed_at=record.first_failed_at,
            last_failed_at=record.last_failed_at,
            retry_at=record.retry_at,
        )

    def as_dict(self) -> dict[str, str | int]:
        return {
            "sweep": self.sweep,
            "kind": self.kind,
            "item": self.item,
            "reference": self.reference,
            "reason": self.reason,
            "failures": self.failures,
            "first_failed_at": self.first_failed_at.isoformat(),
            "last_failed_at": self.last_failed_at.isoformat(),
            "retry_at": self.retry_at.isoformat(),
        }


def put_off_report() -> list[PutOff]:
    """What the sweeps have put off, for `rapport sweep --json`, the desk page and the API."""
    return [PutOff.of(record) for record in deferred_items()]


def forget_stale(*, now: datetime) -> dict[str, list[int]]:
    """The jobs app's own sweep: drop records of items no sweep has tried again for a day."""
    stale = DeferredItem.objects.filter(retry_at__lt=now - FORGET_AFTER)
    forgotten = list(stale.values_list("pk", flat=True))
    stale.filter(pk__in=forgotten).delete()
    return {"forgotten": forgotten}
