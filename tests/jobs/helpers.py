"""A row put off by a sweep, as `SweepItems` records it after `failures` failures."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from rapport.jobs.models import DeferredItem


def put_off(*, sweep: str, item: int, failures: int, error: str) -> DeferredItem:
    """Failing since a quarter of an hour, last a moment ago, tried again in eight minutes."""
    now = timezone.now()
    return DeferredItem.objects.create(
        sweep=sweep,
        item=item,
        failures=failures,
        first_failed_at=now - timedelta(minutes=15),
        last_failed_at=now,
        retry_at=now + timedelta(minutes=8),
        error=error,
    )
