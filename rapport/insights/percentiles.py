"""Exact percentiles computed by the database, on SQLite and PostgreSQL alike: a window function
ranks the rows (ROW_NUMBER and COUNT OVER a partition) and only the rows at the wanted ranks come
back, so no case is read into Python to find a median."""

from __future__ import annotations

import operator
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import reduce
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


def wanted_ranks(n: int) -> tuple[int, int, int]:
    """The ranks p50 (the middle one, or the two middle ones) and p90 (ceil(0.9 n)) read."""
    return (n + 1) // 2, n // 2 + 1, -(-9 * n // 10)


def values_at_ranks(
    rows: QuerySet[Any], *, value: str, wanted: Mapping[str | None, Mapping[Any, Collection[int]]]
) -> dict[tuple[str | None, Any, int], Any]:
    """The values at the wanted ranks (from 1, in the value's order then the pk's) over all the
    rows (field None, key None) and among the rows of each key of each field, in one query
    and one sort: the rows are ranked once (ROW_NUMBER) and a key's rank is its running count
    in that order (COUNT(*) FILTER (WHERE field = key) OVER (ORDER BY value, pk)). Three
    partitioned ROW_NUMBERs sorted a site's year three times on the 1M bench desk: 2.0-2.3 s
    of CPU, against 1.5-1.7 s for this (docs/insights.md, session 15). Rows whose value is NULL
    are left out."""
    order = [F(value).asc(), F("pk").asc()]
    named: dict[tuple[str, Any], str] = {}
    ranked = rows.filter(**{f"{value}__isnull": False}).annotate(
        rank=Window(RowNumber(), order_by=order)
    )
    picked: list[Q] = []
    for i, (field_name, per_key) in enumerate(wanted.items()):
        for j, (key, ranks) in enumerate(per_key.items()):
            if field_name is None:
                picked.append(Q(rank__in=sorted(ranks)))
                continue
            alias = named[field_name, key] = f"rank_{i}_{j}"
            ranked = ranked.annotate(
                **{alias: Window(Count("pk", filter=Q(**{field_name: key})), order_by=order)}
            )
            picked.append(Q(**{field_name: key, f"{alias}__in": sorted(ranks)}))
    if not picked:
        return {}
    fields = [field_name for field_name in wanted if field_name is not None]
    found: dict[tuple[str | None, Any, int], Any] = {}
    for row in ranked.filter(reduce(operator.or_, picked)).values(
        value, "rank", *fields, *named.values()
    ):
        found[None, None, row["rank"]] = row[value]
        for field_name in fields:
            rank_of = named.get((field_name, row[field_name]))
            if rank_of is not None:
                found[field_name, row[field_name], row[rank_of]] = row[value]
    return found
