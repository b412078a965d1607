"""Exact percentiles computed by the database, on SQLite and PostgreSQL alike: a window function
ranks the rows (ROW_NUMBER and COUNT OVER a partition) and only the rows at the wanted ranks come
back, so no case is read into Python to find a median."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Case as CaseWhen
from django.db.models import (
    Count,
    DurationField,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import RowNumber
from django.db.models.lookups import GreaterThanOrEqual, LessThan, LessThanOrEqual


def duration(end: str, start: str) -> ExpressionWrapper[CombinedExpression]:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


@dataclass(frozen=True)
class Spread:
    """n values; p50 is their median (the mean of the two middle ones when n is even); p90 is
    the nearest-rank 90th percentile, the value at rank ceil(0.9 n)."""

    n: int
    p50: timedelta | None
    p90: timedelta | None


def percentiles(
    rows: QuerySet[Any], *, value: Expression | F, group: str | None = None
) -> dict[Any, Spread]:
    """p50 and p90 of `value` over `rows`, per `group` (a field) or overall (key None), exact,
    in one query: each row is ranked within its group by a window function (ROW_NUMBER and
    COUNT OVER, on SQLite and PostgreSQL alike) and only the two or three rows at the wanted
    ranks come back. Rows whose value is NULL are left out."""
    partition = [F(group)] if group else []
    ranked = (
        rows.annotate(v=value)
        .filter(v__isnull=False)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=partition, order_by=[F("v").asc(), F("pk").asc()]
            ),
            n=Window(Count("pk"), partition_by=partition),
        )
    )
    # 1: a middle row, 2·rank in [n, n+2] (the middle one when n is odd, the two when even);
    # 2: the nearest-rank 90th, rank = ceil(0.9 n)  <=>  9n <= 10·rank < 9n + 10; 3: both.
    rank, n = F("rank"), F("n")
    middle = _flag(Q(GreaterThanOrEqual(rank * 2, n), LessThanOrEqual(rank * 2, n + 2)), 1)
    ninetieth = _flag(Q(GreaterThanOrEqual(rank * 10, n * 9), LessThan(rank * 10, n * 9 + 10)), 2)
    picked = (
        ranked.annotate(kind=middle + ninetieth)
        .filter(kind__gt=0)
        .values_list("kind", group or "kind", "n", "v")
    )
    mids: dict[Any, list[timedelta]] = {}
    counts: dict[Any, int] = {}
    tops: dict[Any, timedelta] = {}
    for kind, key, n, v in picked:
        k = key if group else None
        counts[k] = n
        if kind & 1:
            mids.setdefault(k, []).append(v)
        if kind & 2:
            tops[k] = v
    return {
        k: Spread(
            n=counts[k],
            p50=sum(mids[k], timedelta()) / len(mids[k]) if mids.get(k) else None,
            p90=tops.get(k),
        )
        for k in counts
    }


def _flag(condition: Q, bit: int) -> CaseWhen:
    return CaseWhen(When(condition, then=Value(bit)), default=Value(0), output_field=IntegerField())


def minutes(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 60, 1)
