"""The newest few rows of each group (a customer's last messages, each case's recent history),
read in one statement: `ROW_NUMBER() OVER (PARTITION BY …)` and a filter on it, as the ORM
writes it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db.models import F, Model, QuerySet, Window
from django.db.models.functions import RowNumber

M = TypeVar("M", bound=Model)


def newest_per(
    rows: QuerySet[M, Any],
    *,
    partition: str,
    order: Sequence[str],
    limit: int,
    oldest_first: bool = False,
) -> QuerySet[M, Any]:
    """The first `limit` of `rows` for each value of `partition` by `order` (field names, "-"
    for descending). Rows come grouped by partition value, within a group in `order` (or the
    reverse with `oldest_first`)."""
    ranking = [F(name[1:]).desc() if name.startswith("-") else F(name).asc() for name in order]
    rank = Window(RowNumber(), partition_by=F(partition), order_by=ranking)
    ranked: QuerySet[M, Any] = rows.annotate(rapport_rank=rank).filter(rapport_rank__lte=limit)
    return ranked.order_by(partition, "-rapport_rank" if oldest_first else "rapport_rank")
