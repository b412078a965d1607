"""Waits counted in buckets, so days kept apart can be added up and still give p50/p90 to a
stated resolution (`WaitDay`, `rapport/insights/rollups.py`).

A wait falls in bucket i when EDGES[i] <= wait < EDGES[i + 1] (the last bucket open-ended).
The edges are powers of 2^(1/10) seconds from 1 s to 2^30 s (34 years), with the page's own
distribution bounds (5 and 15 min, 1 and 4 h, 1 and 3 days) added, so that table stays exact.
A percentile read from the buckets is its bucket's geometric middle: within RESOLUTION (3.5 %)
of the exact value, or half a second for waits under a second (a wait past 34 years reads as
34 years; when they stopped at 2^24 s, 194 days, a case answered after 250 days read 22 %
short). Each wait is bucketed by the database (a binary search written as nested CASEs), for
the kept days and for the live part of a window alike, so the two add up exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.db.models import Case as CaseWhen
from django.db.models import IntegerField, Q, QuerySet, Value, When

from rapport.insights.percentiles import Spread, values_at_ranks, wanted_ranks

STEPS_PER_DOUBLING = 10
DOUBLINGS = 30
LONGEST = 2**DOUBLINGS  # seconds: 34 years
DISTRIBUTION_BOUNDS = (300, 900, 3600, 14400, 86400, 259200)  # seconds; WAIT_BUCKETS' bounds


def _edges() -> tuple[timedelta, ...]:
    grid = {2 ** (k / STEPS_PER_DOUBLING) for k in range(DOUBLINGS * STEPS_PER_DOUBLING + 1)}
    seconds = sorted({0.0, *grid, *map(float, DISTRIBUTION_BOUNDS)})
    # Whole microseconds, as the database stores a duration.
    return tuple(timedelta(microseconds=round(s * 1_000_000)) for s in seconds)


EDGES = _edges()
NOT_ANSWERED = -1
# The largest relative error of a percentile read from the buckets (a bucket's geometric middle
# is within sqrt(ratio) - 1 of any wait in it).
RESOLUTION = round(math.sqrt(2 ** (1 / STEPS_PER_DOUBLING)) - 1, 4)


def bucket_of(field: str) -> Any:
    """The SQL expression for a wait column's bucket (NULL stays NULL: filter answered first)."""
    return _search(field, 0, len(EDGES))


def _search(field: str, low: int, high: int) -> Any:
    if high - low == 1:
        return Value(low, output_field=IntegerField())
    middle = (low + high) // 2
    return CaseWhen(
        When(**{f"{field}__lt": EDGES[middle]}, then=_search(field, low, middle)),
        default=_search(field, middle, high),
        output_field=IntegerField(),
    )


def middle(bucket: int) -> timedelta:
    """The value a percentile in `bucket` reads as."""
    if bucket == 0:
        return EDGES[1] / 2
    if bucket == len(EDGES) - 1:
        return EDGES[-1]
    low, high = EDGES[bucket].total_seconds(), EDGES[bucket + 1].total_seconds()
    return timedelta(seconds=round(math.sqrt(low * high), 6))


def band_of(bucket: int, bounds: tuple[timedelta | None, ...]) -> int:
    """The index of the distribution band (upper bounds, the last None) the bucket lies in."""
    low = EDGES[bucket]
    for i, bound in enumerate(bounds):
        if bound is None or low < bound:
            return i
    return len(bounds) - 1


def spread(counts: Mapping[int, int]) -> Spread:
    """p50 (the mean of the two middle waits when n is even) and the nearest-rank p90 of waits
    given as counts per bucket, as `percentiles.Spread` defines them, each wait read as its
    bucket's middle."""
    n = sum(counts.values())
    if not n:
        return Spread(0, None, None)
    ranks = ((n + 1) // 2, n // 2 + 1, math.ceil(0.9 * n))
    found: dict[int, timedelta] = {}
    seen = 0
    for bucket in sorted(counts):
        seen += counts[bucket]
        for rank in ranks:
            if rank not in found and rank <= seen:
                found[rank] = middle(bucket)
    p50 = found[ranks[0]] if n % 2 else (found[ranks[0]] + found[ranks[1]]) / 2
    return Spread(n, p50, found[ranks[2]])


def exact_spreads(
    answered: QuerySet[Any], histograms: Mapping[str, Mapping[Any, Mapping[int, int]]]
) -> tuple[Spread, dict[str, dict[Any, Spread]]]:
    """p50 and p90 exactly, as `percentiles.percentiles` gives them, overall and per key of each
    field, from the answered cases' waits counted per bucket and key (`histograms`: every
    field's keys cover the same waits): each wanted rank falls in a known bucket, so only
    the waits of those buckets are read and ranked, in one query (`values_at_ranks`), a
    wait's rank among them shifted by the waits of its key in the buckets below that were
    left out."""
    overall: dict[int, int] = {}
    for histogram in next(iter(histograms.values()), {}).values():
        for bucket, n in histogram.items():
            overall[bucket] = overall.get(bucket, 0) + n
    groups: dict[tuple[str | None, Any], Mapping[int, int]] = {(None, None): overall}
    groups.update({(f, key): h for f, per_key in histograms.items() for key, h in per_key.items()})
    located: dict[tuple[str | None, Any], list[tuple[int, int, int]]] = {}
    for group, histogram in groups.items():
        below, found = 0, []
        ranks = wanted_ranks(sum(histogram.values()))
        for bucket in sorted(histogram):
            found += [(r, bucket, below) for r in ranks if below < r <= below + histogram[bucket]]
            below += histogram[bucket]
        located[group] = found
    targets = sorted({bucket for found in located.values() for _, bucket, _ in found})
    wanted: dict[str | None, dict[Any, set[int]]] = {}
    shifted: dict[tuple[str | None, Any, int], int] = {}
    for (field_name, key), found in located.items():
        histogram = groups[field_name, key]
        for rank, bucket, below in found:
            kept_below = sum(histogram.get(t, 0) for t in targets if t < bucket)
            shifted[field_name, key, rank] = rank - below + kept_below
            wanted.setdefault(field_name, {}).setdefault(key, set()).add(
                shifted[field_name, key, rank]
            )
    values = values_at_ranks(
        answered.filter(_in_buckets(targets)), value="first_wait", wanted=wanted
    )

    def spread(field_name: str | None, key: Any) -> Spread:
        n = sum(groups[field_name, key].values())
        low, high, top = (
            values[field_name, key, shifted[field_name, key, r]] for r in wanted_ranks(n)
        )
        return Spread(n, low if low == high else (low + high) / 2, top)

    return (spread(None, None) if overall else Spread(0, None, None)), {
        f: {key: spread(f, key) for key, h in per_key.items() if sum(h.values())}
        for f, per_key in histograms.items()
    }


def _in_buckets(buckets: list[int]) -> Q:
    """The waits of these buckets, as ranges of consecutive ones (bucket 0 has no lower bound
    and the last no upper one, as `bucket_of` reads them)."""
    runs: list[list[int]] = []
    for bucket in buckets:
        if runs and runs[-1][1] == bucket - 1:
            runs[-1][1] = bucket
        else:
            runs.append([bucket, bucket])
    found = Q(pk__in=[])
    for first, last in runs:
        run = Q()
        if first > 0:
            run &= Q(first_wait__gte=EDGES[first])
        if last < len(EDGES) - 1:
            run &= Q(first_wait__lt=EDGES[last + 1])
        if not run:
            return Q()  # every bucket
        found |= run
    return found
