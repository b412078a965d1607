"""Reading the access log, newest first, one page at a time."""

from __future__ import annotations

from django.db.models import QuerySet

from rapport.datacare.models import AccessLog

PAGE = 100


def access_entries(*, customer_id: int | None) -> QuerySet[AccessLog]:
    rows = AccessLog.objects.select_related("agent", "customer")
    if customer_id is not None:
        rows = rows.filter(customer_id=customer_id)
    return rows


def access_log(
    *, customer_id: int | None, before: str | None, limit: int = PAGE
) -> tuple[list[AccessLog], int | None]:
    """A page of entries (newest first) and the id to pass as `before` for older ones."""
    rows = access_entries(customer_id=customer_id)
    if before and before.isdigit():
        rows = rows.filter(pk__lt=int(before))
    page = list(rows.order_by("-pk")[: limit + 1])
    older = page[limit - 1].pk if len(page) > limit else None
    return page[:limit], older
