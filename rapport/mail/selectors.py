"""Reads for the intake page and API (supervisors only; the callers check)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from rapport.mail.models import RETRYABLE, InboundEmail, InboundStatus

# What the intake page lists: mail that needs a person, or that nobody has processed in time.
ATTENTION = "attention"
FILTERS = (ATTENTION, *InboundStatus.values)


def intake_rows(*, status: str, now: datetime) -> QuerySet[InboundEmail]:
    rows = InboundEmail.objects.defer("raw")
    if status == ATTENTION:
        return rows.filter(
            Q(status__in=RETRYABLE) | Q(status=InboundStatus.RECEIVED, retry_at__lt=now)
        )
    return rows.filter(status=status)


def status_counts() -> dict[str, int]:
    counted = dict(
        InboundEmail.objects.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {value: counted.get(value, 0) for value in InboundStatus.values}
