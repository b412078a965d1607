"""How long customers wait for a named human: the distribution, p50/p90 overall, by channel and
by priority, first and next responses against their deadlines, and the backlog by age.

Over the cases customers started (outreach the desk began is not a wait for a person) created
in the window; the next-response and backlog figures are live (now). Five queries, whatever the
number of cases.

For the whole desk, a team or a business, the settled days kept per day (`rollups.py`) answer
their part of the window: counts exact, p50/p90 from waits counted in buckets, within
`waits.RESOLUTION` of the exact value (`waits.py`; said on the page and in the API). An agent
or a site is read live, by owner from the index `case_owner_window`. Read live, p50/p90 are
exact: the live part's counts per wait bucket say in which bucket each wanted rank falls, and
only those buckets' waits are ranked (`waits.exact_spreads`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case as CaseWhen
from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value, When

from rapport.cases.models import (
    PRIORITY_RANK,
    Case,
    CaseEvent,
    CaseEventKind,
    Initiative,
    Priority,
)
from rapport.cases.queue import ACTIVE_INDEXED
from rapport.insights import charts, wait_months, waits
from rapport.insights.models import WaitDay, WaitMonth, WaitTotalDay
from rapport.insights.narrow import of_cases
from rapport.insights.percentiles import Spread, minutes
from rapport.insights.report import Figure, Question, Report, Scope, Table
from rapport.insights.rollups import (
    TIME_TO_HUMAN,
    WAIT_FIGURES,
    Keys,
    Split,
    split_window,
    wait_bucket,
    wait_figures,
)
from rapport.people.models import Channel

# Upper bounds of the wait buckets; the last bucket has none.
WAIT_BUCKETS: tuple[tuple[timedelta | None, str], ...] = (
    (timedelta(minutes=5), "under 5 min"),
    (timedelta(minutes=15), "5-15 min"),
    (timedelta(hours=1), "15-60 min"),
    (timedelta(hours=4), "1-4 h"),
    (timedelta(days=1), "4-24 h"),
    (timedelta(days=3), "1-3 days"),
    (None, "3 days or more"),
)
AGE_BUCKETS: tuple[tuple[timedelta | None, str], ...] = (
    (timedelta(hours=1), "under 1 h"),
    (timedelta(hours=4), "1-4 h"),
    (timedelta(days=1), "4-24 h"),
    (timedelta(days=3), "1-3 days"),
    (timedelta(days=7), "3-7 days"),
    (None, "a week or more"),
)
DUE_SOON = timedelta(hours=1)


def _live_counts(scope: Scope) -> dict[str, int]:
    """Active customer-started cases now: their next-response deadline and their age."""
    now = scope.now
    active = scope.cases.filter(ACTIVE_INDEXED, initiative=Initiative.CUSTOMER)
    counts: dict[str, Any] = {
        "active": Count("pk"),
        "unanswered": Count("pk", filter=Q(first_response_at__isnull=True)),
        "past_due": Count("pk", filter=Q(next_response_due_at__lte=now)),
        "due_soon": Count(
            "pk", filter=Q(next_response_due_at__gt=now, next_response_due_at__lte=now + DUE_SOON)
        ),
        "due_later": Count("pk", filter=Q(next_response_due_at__gt=now + DUE_SOON)),
    }
    for i, (bound, _) in enumerate(AGE_BUCKETS):
        if bound is not None:
            counts[f"younger_{i}"] = Count("pk", filter=Q(created_at__gt=now - bound))
    return active.aggregate(**counts)


def _buckets(
    counts: dict[str, int], prefix: str, total: int, names: tuple[tuple[timedelta | None, str], ...]
) -> list[tuple[str, int]]:
    rows, below = [], 0
    for i, (bound, label) in enumerate(names):
        upto = counts[f"{prefix}_{i}"] if bound is not None else total
        rows.append((label, upto - below))
        below = upto
    return rows


def _step(scope: Scope) -> str:
    days = (scope.until - scope.since) / timedelta(days=1)
    if days <= 62:
        return "day"
    if days <= 731:
        return "week"
    return "month"


def _periods(scope: Scope, step: str) -> list[date]:
    """Every period of the window, in the desk's zone (periods with no case included)."""
    first = scope.since.astimezone(scope.zone).date()
    last = (scope.until - timedelta(microseconds=1)).astimezone(scope.zone).date()
    if step == "week":
        first -= timedelta(days=first.weekday())
    elif step == "month":
        first = first.replace(day=1)
    periods, day = [], first
    while day <= last:
        periods.append(day)
        if step == "day":
            day += timedelta(days=1)
        elif step == "week":
            day += timedelta(days=7)
        else:
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return periods


def _period_of(starts: list[datetime], low: int, high: int) -> Any:
    """The index in `starts` of the period a case was created in, found by halving: about
    log2(periods) comparisons a row that the database makes itself. (Cutting each row's time
    to its local day or week in SQL is a Python function per row on SQLite: a year of 1M
    cases took seconds.)"""
    if high - low == 1:
        return Value(low)
    middle = (low + high) // 2
    return CaseWhen(
        When(created_at__lt=starts[middle], then=_period_of(starts, low, middle)),
        default=_period_of(starts, middle, high),
        output_field=IntegerField(),
    )


def _over_time(scope: Scope, cases: QuerySet[Case]) -> tuple[str, list[tuple[date, int, int]]]:
    """New and answered cases per period, each period from its first day's midnight in the
    desk's zone (so a day across a daylight-saving change has 23 or 25 hours)."""
    step = _step(scope)
    periods = _periods(scope, step)
    starts = [datetime.combine(day, time(), tzinfo=scope.zone) for day in periods]
    found = {
        row["period"]: row
        for row in cases.annotate(period=_period_of(starts, 0, len(starts)))
        .values("period")
        .annotate(n=Count("pk"), answered=Count("pk", filter=Q(first_response_at__isnull=False)))
        .order_by()
    }
    return step, [
        (day, found[i]["n"] if i in found else 0, found[i]["answered"] if i in found else 0)
        for i, day in enumerate(periods)
    ]


def _spread_rows(spreads: dict[Any, Spread], order: list[tuple[str, str]]) -> list[tuple[Any, ...]]:
    return [
        (label, spreads[key].n, minutes(spreads[key].p50), minutes(spreads[key].p90))
        for key, label in order
        if key in spreads
    ]


def _spread_chart(by: str, rows: list[tuple[Any, ...]]) -> charts.Chart:
    return charts.bars(
        f"Median wait by {by} (minutes; p90 beside it)",
        table=f"by-{by}",
        points=[
            charts.Point(str(label), float(p50 or 0), f"{p50} min · p90 {p90}")
            for label, _, p50, p90 in rows
        ],
    )


def _percent(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


@dataclass(frozen=True)
class Waits:
    """The window's waits: the counts (cases, answered, on time, per distribution band...),
    p50/p90, cases per period, and how many settled days were read from the kept days (0:
    every figure exact)."""

    counts: dict[str, int]
    overall: Spread
    by_channel: dict[Any, Spread]
    by_priority: dict[Any, Spread]
    step: str
    series: list[tuple[date, int, int]]
    kept_days: int = 0


def _waits(scope: Scope) -> Waits:
    keys = scope.kept
    split = Split([], [(scope.since, scope.until)])
    if keys is not None and keys.agent is None and keys.site is None:
        split = split_window(
            TIME_TO_HUMAN, since=scope.since, until=scope.until, now=scope.now, zone=scope.zone
        )
    live = scope.cases.filter(split.live_q("created_at"), initiative=Initiative.CUSTOMER)
    kept, per_day = waits_kept(split, keys) if keys is not None else ([], [])
    # One grouped query for the live part (its wait buckets' CASE compiled once), given as the
    # kept rows are: per channel and bucket with every figure, and per priority and bucket.
    rows: list[dict[str, Any]] = []
    for row in (
        live.annotate(bucket=wait_bucket())
        .values("origin_channel", "priority", "bucket")
        .annotate(**wait_figures(scope.now))
        .order_by()
    ):
        rows.append({**row, "channel": row["origin_channel"], "priority": ""})
        rows.append({"channel": "", "priority": row["priority"], "bucket": row["bucket"],
                     "cases": row["cases"]})  # fmt: skip
    rows.extend(kept)
    counts = dict.fromkeys(("cases", "answered", "on_time", "no_deadline", "unanswered_late"), 0)
    in_band = dict.fromkeys(range(len(WAIT_BUCKETS)), 0)
    by_channel: dict[Any, dict[int, int]] = {}
    by_priority: dict[Any, dict[int, int]] = {}
    bounds = tuple(bound for bound, _ in WAIT_BUCKETS)
    for row in rows:  # a few per channel or priority and wait bucket
        bucket, n = row["bucket"], row["cases"]
        if row["priority"]:
            if bucket != waits.NOT_ANSWERED:
                histogram = by_priority.setdefault(row["priority"], {})
                histogram[bucket] = histogram.get(bucket, 0) + n
            continue
        counts["cases"] += n
        counts["on_time"] += row["on_time"]
        counts["no_deadline"] += row["no_deadline"]
        counts["unanswered_late"] += row["late"]
        if bucket != waits.NOT_ANSWERED:
            counts["answered"] += n
            in_band[waits.band_of(bucket, bounds)] += n
            histogram = by_channel.setdefault(row["channel"], {})
            histogram[bucket] = histogram.get(bucket, 0) + n
    for i in in_band:
        counts[f"within_{i}"] = sum(in_band[j] for j in range(i + 1))
    if split.kept:
        overall: dict[int, int] = {}
        for histogram in by_channel.values():
            for bucket, n in histogram.items():
                overall[bucket] = overall.get(bucket, 0) + n
        spread = waits.spread(overall)
        by = {
            "origin_channel": {key: waits.spread(h) for key, h in by_channel.items()},
            "priority": {key: waits.spread(h) for key, h in by_priority.items()},
        }
    else:  # exact, reading only the waits where p50 and p90 fall
        answered = live.filter(first_response_at__isnull=False)
        histograms = {"origin_channel": by_channel, "priority": by_priority}
        spread, by = waits.exact_spreads(answered, histograms)
    step, series = _over_time(scope, live)
    return Waits(
        counts,
        spread,
        by["origin_channel"],
        by["priority"],
        step,
        _with_kept_days(series, step, per_day),
        len(split.kept),
    )


def _with_kept_days(
    series: list[tuple[date, int, int]], step: str, per_day: list[dict[str, Any]]
) -> list[tuple[date, int, int]]:
    found = {period: [n, answered] for period, n, answered in series}
    for row in per_day:
        day: date = row["day"]
        if step == "week":
            day -= timedelta(days=day.weekday())
        elif step == "month":
            day = day.replace(day=1)
        found[day][0] += row["n"]
        found[day][1] += row["answered"]
    return [(period, n, answered) for period, (n, answered) in found.items()]


def build(scope: Scope) -> Report:
    found = _waits(scope)
    counts, overall = found.counts, found.overall
    by_channel, by_priority = found.by_channel, found.by_priority
    live = _live_counts(scope)
    breaches = CaseEvent.objects.filter(
        kind=CaseEventKind.SLA_BREACHED, created_at__gte=scope.since, created_at__lt=scope.until
    )
    missed = of_cases(breaches, scope.cases).count()
    step, series = found.step, found.series
    resolution = (
        f"p50 and p90 read from {found.kept_days} kept days: each within "
        f"{waits.RESOLUTION:.1%} of the exact wait."
        if found.kept_days
        else ""
    )

    answered, total = counts["answered"], counts["cases"]
    on_time = counts["on_time"]
    distribution = _buckets(counts, "within", answered, WAIT_BUCKETS)
    backlog = _buckets(live, "younger", live["active"], AGE_BUCKETS)
    channel_rows = _spread_rows(by_channel, list(Channel.choices))
    priority_rows = _spread_rows(
        by_priority, sorted(Priority.choices, key=lambda c: PRIORITY_RANK[Priority(c[0])])
    )
    first_rows = [
        ("answered by the deadline", on_time - counts["no_deadline"]),
        ("answered late", answered - on_time),
        ("answered, no deadline set", counts["no_deadline"]),
        ("not answered, past the deadline", counts["unanswered_late"]),
        ("not answered yet, deadline to come", total - answered - counts["unanswered_late"]),
    ]
    next_rows = [
        ("past the deadline now", live["past_due"]),
        ("due within the hour", live["due_soon"]),
        ("due later", live["due_later"]),
        (
            "nothing owed (answered, or waiting on the customer)",
            live["active"] - live["past_due"] - live["due_soon"] - live["due_later"],
        ),
    ]
    median, p90 = minutes(overall.p50), minutes(overall.p90)
    within = _percent(on_time, answered)
    tables = (
        Table(
            "distribution", "Time to a named human", ("wait", "cases answered"), tuple(distribution)
        ),
        Table(
            "by-channel",
            "By channel",
            ("channel", "cases answered", "p50 minutes", "p90 minutes"),
            tuple(channel_rows),
            note=resolution,
        ),
        Table(
            "by-priority",
            "By priority",
            ("priority", "cases answered", "p50 minutes", "p90 minutes"),
            tuple(priority_rows),
            note=resolution,
        ),
        Table(
            "first-response",
            "First response against its deadline",
            ("outcome", "cases"),
            tuple(first_rows),
        ),
        Table(
            "next-response",
            "Next response owed now",
            ("state", "cases"),
            tuple(next_rows),
            note=f"Response deadlines (first or next) missed in the period: {missed}.",
        ),
        Table("backlog", "Open cases by age now", ("age", "cases"), tuple(backlog)),
        Table(
            "over-time",
            f"New cases per {step} ({scope.zone.key})",
            (step, "new cases", "answered by a person"),
            tuple((day.isoformat(), n, done) for day, n, done in series),
        ),
    )
    chart_list = (
        charts.histogram(
            "How long customers waited for a person",
            table="distribution",
            points=[charts.Point(label, n) for label, n in distribution],
        ),
        _spread_chart("channel", channel_rows),
        _spread_chart("priority", priority_rows),
        charts.bars(
            "Open cases by age now",
            table="backlog",
            points=[charts.Point(label, n) for label, n in backlog],
        ),
        charts.line(
            f"New cases and cases answered, per {step}",
            table="over-time",
            series=[
                charts.Series("new", tuple(charts.Point(f"{d:%d %b}", n) for d, n, _ in series)),
                charts.Series(
                    "answered", tuple(charts.Point(f"{d:%d %b}", a) for d, _, a in series)
                ),
            ],
        ),
    )
    figures = (
        Figure("cases", "New cases customers started", total),
        Figure("answered", "Answered by a person", answered),
        Figure("median_minutes", "Median wait (p50)", median, "min"),
        Figure("p90_minutes", "90th percentile wait", p90, "min"),
        Figure("within_target", "Answered within the first-response deadline", within, "share"),
        Figure("waiting_now", "Waiting for a first answer now", live["unanswered"]),
        Figure("missed_deadlines", "Response deadlines missed in the period", missed),
    )
    data = {
        "cases": total,
        "answered": answered,
        "median_minutes": median,
        "p90_minutes": p90,
        "within_target": within,
        "by_channel": {str(key): minutes(s.p50) for key, s in sorted(by_channel.items())},
        "kept_days": found.kept_days,
        "percentiles_within": waits.RESOLUTION if found.kept_days else 0.0,
    }
    return Report(
        question=QUESTION.slug,
        title=QUESTION.title,
        figures=figures,
        tables=tables,
        charts=chart_list,
        data=data,
    )


QUESTION = Question(
    slug="time-to-human",
    title="Time to a named human",
    summary="How long customers wait for a person: p50/p90 by channel and priority, "
    "deadlines met, backlog by age.",
    build=build,
)


def waits_kept(split: Split, keys: Keys) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Two queries' rows: the kept days' figures per channel or priority and wait bucket (the
    calendar months every day of which is kept from their month rows, the other days from
    their day rows: `wait_months.py`), and their cases and answered cases per day."""
    if not split.kept:
        return [], []
    months = wait_months.whole_months(split.kept)
    days = Split(wait_months.outside(split.kept, months), [])
    figures = {name: Sum(name) for name in WAIT_FIGURES}
    per_bucket = [
        keys.narrow(rows).values("channel", "priority", "bucket").annotate(**figures).order_by()
        for rows in (
            *([WaitMonth.objects.filter(day__in=months)] if months else []),
            *([WaitDay.objects.filter(days.kept_q())] if days.kept else []),
        )
    ]
    per_day = (
        keys.narrow(WaitTotalDay.objects.filter(split.kept_q()))
        .values("day")
        .annotate(n=Sum("cases"), answered=Sum("answered"))
        .order_by()
    )
    return list(per_bucket[0].union(*per_bucket[1:], all=True)), list(per_day)
