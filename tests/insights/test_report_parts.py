"""The frame's parts: exact percentiles from the database, CSV safe in a spreadsheet, charts
readable without colour."""

from __future__ import annotations

import itertools
import math
import re
import statistics
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db.models import Count

from rapport.cases.models import Case
from rapport.insights import charts
from rapport.insights.percentiles import duration, percentiles
from rapport.insights.report import Table, table_csv
from rapport.insights.rollups import wait_bucket
from rapport.insights.waits import exact_spreads
from tests.conftest import World

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 10, 11, 70, 101])
def test_percentiles_are_exact_for_any_count(world: World, n: int) -> None:
    """p50 is the median (the mean of the two middle values for an even count); p90 the value
    at rank ceil(0.9 n). 70 catches floating arithmetic: 0.9 * 70 is 63.000...01 in a float."""
    Case.objects.all().delete()
    waits = [(i * 37) % 101 + 1 for i in range(n)]  # shuffled minutes, some repeated
    for i, wait in enumerate(waits):
        Case.objects.create(
            customer=world.customer,
            subject=str(i),
            origin_channel="email" if i % 2 else "chat",
            created_at=T0,
            first_response_at=T0 + timedelta(minutes=wait),
        )
    Case.objects.create(customer=world.customer, subject="unanswered", origin_channel="chat")
    spread = percentiles(Case.objects.all(), value=duration("first_response_at", "created_at"))
    got = spread[None]
    assert got.n == n
    assert got.p50 == timedelta(minutes=statistics.median(waits))
    assert got.p90 == timedelta(minutes=sorted(waits)[math.ceil(0.9 * n) - 1])
    by = percentiles(
        Case.objects.all(),
        value=duration("first_response_at", "created_at"),
        group="origin_channel",
    )
    for channel, values in (("chat", waits[0::2]), ("email", waits[1::2])):
        if values:
            assert by[channel].p50 == timedelta(minutes=statistics.median(values))
            assert by[channel].p90 == timedelta(
                minutes=sorted(values)[math.ceil(0.9 * len(values)) - 1]
            )


@pytest.mark.parametrize("n", [1, 2, 3, 4, 11, 70, 101])
def test_exact_spreads_read_from_the_buckets_are_exact(world: World, n: int) -> None:
    """Time to a human read live: p50/p90 overall, per channel and per priority found from the
    waits' buckets and ranked in one query among the waits of the buckets where they fall,
    the same exact figures, with ties and waits from seconds to days (and an unanswered case
    left out)."""
    Case.objects.all().delete()
    waits = [((i * 37) % 101 + 1) ** 3 for i in range(n)]  # seconds, 1 s to 12 days
    channels, priorities = ("chat", "email", "phone"), ("normal", "high")
    for i, wait in enumerate(waits):
        Case.objects.create(
            customer=world.customer,
            subject=str(i),
            origin_channel=channels[i % 3],
            priority=priorities[i % 2],
            created_at=T0,
            first_response_at=T0 + timedelta(seconds=wait),
            first_wait=timedelta(seconds=wait),
        )
    Case.objects.create(customer=world.customer, subject="unanswered", origin_channel="chat")
    histograms: dict[str, dict[Any, dict[int, int]]] = {"origin_channel": {}, "priority": {}}
    answered = Case.objects.filter(first_response_at__isnull=False)
    for row in (
        answered.annotate(bucket=wait_bucket())
        .values("origin_channel", "priority", "bucket")
        .annotate(n=Count("pk"))
    ):
        for field, per_key in histograms.items():
            histogram = per_key.setdefault(row[field], {})
            histogram[row["bucket"]] = histogram.get(row["bucket"], 0) + row["n"]
    overall, by = exact_spreads(answered, histograms)

    def exact(values: list[int]) -> tuple[int, timedelta, timedelta]:
        return (
            len(values),
            timedelta(seconds=statistics.median(values)),
            timedelta(seconds=sorted(values)[math.ceil(0.9 * len(values)) - 1]),
        )

    assert (overall.n, overall.p50, overall.p90) == exact(waits)
    for field, keys, step in (("origin_channel", channels, 3), ("priority", priorities, 2)):
        for i, key in enumerate(keys):
            values = waits[i::step]
            if not values:
                assert key not in by[field]
                continue
            got = by[field][key]
            assert (got.n, got.p50, got.p90) == exact(values), (field, key)


def test_csv_cells_that_a_spreadsheet_would_run_are_defused() -> None:
    table = Table(
        "t",
        "T",
        ("name", "count"),
        (('=HYPERLINK("http://x")', 1), ("+1", -5), ("-2", 0), ("@SUM(A1)", 2), ("Ana", None)),
    )
    assert table_csv(table).splitlines() == [
        "name,count",
        '"\'=HYPERLINK(""http://x"")",1',
        "'+1,-5",
        "'-2,0",
        "'@SUM(A1),2",
        "Ana,",
    ]


def test_csv_cells_that_only_look_harmless_are_defused_too() -> None:
    """A full-width equals sign, or a formula behind an invisible character, is read as a
    formula by some spreadsheets (found by a tester on the queue's CSV, from a post's author)."""
    lookalikes = ("\uff1dHYPERLINK(1)", "\u200b=1+1", "\ufeff@SUM(A1)", "\uff0b1")
    table = Table("t", "T", ("name",), tuple((cell,) for cell in lookalikes))
    assert table_csv(table).splitlines()[1:] == ["'" + cell for cell in lookalikes]
    assert table_csv(Table("t", "T", ("name",), (("Ana = Bea",),))).splitlines()[1] == "Ana = Bea"


def test_charts_label_every_bar_and_name_their_table() -> None:
    svg = charts.bars(
        "Wait <by> channel",
        table="by-channel",
        points=[charts.Point("Email", 35.0, "35.0 min"), charts.Point("Chat", 4.0)],
    ).svg
    assert svg.startswith('<svg class="chart chart-bars" role="img" aria-label="Wait &lt;by&gt;')
    assert "<title>Wait &lt;by&gt; channel</title>" in svg
    assert ">35.0 min</text>" in svg and ">4</text>" in svg and ">Email</text>" in svg
    assert "style=" not in svg and "fill=" not in svg  # colour comes from the stylesheet
    line = charts.line(
        "Per day",
        table="over-time",
        series=[
            charts.Series("new", tuple(charts.Point(f"{d:02d}", d) for d in range(1, 8))),
            charts.Series("answered", tuple(charts.Point(f"{d:02d}", d - 1) for d in range(1, 8))),
        ],
    ).svg
    # Two series told apart by marker shape and named at their end, not by colour alone.
    assert line.count("<circle") == 7 and line.count('<rect class="chart-point') == 7
    assert ">new</text>" in line and ">answered</text>" in line
    assert line.count('class="chart-value"') == 14


@pytest.mark.parametrize("days", [2, 7, 9, 30, 31, 90, 365])
def test_dates_under_a_line_never_overlap_and_the_first_and_last_are_written(days: int) -> None:
    start = date(2026, 1, 1)
    labels = [(start + timedelta(days=d)).isoformat() for d in range(days)]
    svg = charts.line(
        "Per day",
        table="over-time",
        series=[charts.Series("cases", tuple(charts.Point(d, 1.0) for d in labels))],
    ).svg
    written = re.findall(r'<text class="chart-label" x="([\d.]+)" y="[\d.]+" [^>]*>([^<]+)<', svg)
    xs = [float(x) for x, _ in written]
    width = len(labels[0]) * charts.TEXT * 0.6  # a date's width, about, centred on its x
    assert written[0][1] == labels[0] and written[-1][1] == labels[-1]
    assert xs[0] - width / 2 >= 0 and xs[-1] + width / 2 <= charts.WIDTH
    assert all(b - a >= width for a, b in itertools.pairwise(xs))
    assert len(written) >= min(days, 3)  # a few dates, whatever the window


def test_two_series_ending_level_write_their_names_one_under_the_other() -> None:
    points = tuple(charts.Point(f"{d:02d}", 5.0) for d in range(1, 8))
    svg = charts.line(
        "Per day",
        table="over-time",
        series=[charts.Series("p50", points), charts.Series("p90", points)],
    ).svg
    ys = [
        float(y)
        for y in re.findall(r'class="chart-series-name series-\d" x="[\d.]+" y="([\d.]+)"', svg)
    ]
    assert len(ys) == 2 and abs(ys[0] - ys[1]) >= charts.TEXT
