"""Charts drawn on the server as SVG: horizontal bars, a histogram and a line over time.

Readable without colour: every bar and point carries its number as text, a line's series differ
by marker shape and dash and are named at their end, and each chart names the table that holds
the same data (shown beside it, downloadable as CSV). No inline style (the CSP forbids it): the
shapes carry classes styled by workspace.css. `role="img"` with a `<title>` and `aria-label`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH = 400
ROW = 26  # height of a horizontal bar's row
TEXT = 12  # font size, in the chart's own units
# A line chart labels every point up to this many; past it every k-th one, the first, the last
# and the highest (the full series is in the chart's table).
MAX_POINT_LABELS = 16
CHAR = TEXT * 0.6  # the width of a character, about
GAP = 8  # between two dates under the axis


@dataclass(frozen=True)
class Point:
    label: str  # the category or the day, as shown
    value: float
    text: str = ""  # the number as shown; default: the value


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Chart:
    kind: Literal["bars", "histogram", "line"]
    title: str
    table: str  # the name of the Report table with the same data
    series: tuple[Series, ...]
    unit: str = ""

    @property
    def svg(self) -> SafeString:
        return render(self)


def bars(title: str, *, table: str, points: list[Point], unit: str = "") -> Chart:
    return Chart("bars", title, table, (Series(title, tuple(points)),), unit)


def histogram(title: str, *, table: str, points: list[Point], unit: str = "") -> Chart:
    return Chart("histogram", title, table, (Series(title, tuple(points)),), unit)


def line(title: str, *, table: str, series: list[Series], unit: str = "") -> Chart:
    return Chart("line", title, table, tuple(series), unit)


def _text(point: Point) -> str:
    if point.text:
        return point.text
    return f"{point.value:g}"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _frame(chart: Chart, height: float, body: Sequence[str]) -> SafeString:
    label = f"{chart.title} (the same figures are in the table “{chart.table}”)"
    head = format_html(
        '<svg class="chart chart-{}" role="img" aria-label="{}" viewBox="0 0 {} {}" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>',
        chart.kind,
        label,
        WIDTH,
        _num(height),
        chart.title,
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every part escaped above


def _scale(chart: Chart) -> float:
    top = max((p.value for s in chart.series for p in s.points), default=0.0)
    return top if top > 0 else 1.0


def _bars(chart: Chart) -> SafeString:
    points = chart.series[0].points if chart.series else ()
    label_width = WIDTH * 0.3
    # Room for the longest number written after its bar (about 0.6 em a character).
    longest = max((len(_text(p)) for p in points), default=1)
    room = WIDTH - label_width - 8 - longest * TEXT * 0.6
    top = _scale(chart)
    body: list[str] = []
    for i, point in enumerate(points):
        y = i * ROW
        width = max(0.0, point.value / top * room)
        body.append(
            format_html(
                '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}"></rect>'
                '<text class="chart-value" x="{}" y="{}">{}</text>',
                _num(label_width - 6),
                _num(y + ROW / 2 + TEXT / 3),
                point.label,
                _num(label_width),
                _num(y + 4),
                _num(width),
                ROW - 8,
                _num(label_width + width + 4),
                _num(y + ROW / 2 + TEXT / 3),
                _text(point),
            )
        )
    return _frame(chart, max(ROW, len(points) * ROW), body)


def _histogram(chart: Chart) -> SafeString:
    points = chart.series[0].points if chart.series else ()
    height, base = 196.0, 150.0
    top = _scale(chart)
    step = WIDTH / max(1, len(points))
    # Narrow columns: every other label one line lower, so neighbours never overlap.
    stagger = step < 72
    body = [
        format_html(
            '<line class="chart-axis" x1="0" y1="{}" x2="{}" y2="{}"></line>', base, WIDTH, base
        )
    ]
    for i, point in enumerate(points):
        bar = point.value / top * (base - 24)
        x = i * step
        body.append(
            format_html(
                '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}"></rect>'
                '<text class="chart-value" x="{}" y="{}" text-anchor="middle">{}</text>'
                '<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                _num(x + 2),
                _num(base - bar),
                _num(step - 4),
                _num(bar),
                _num(x + step / 2),
                _num(base - bar - 4),
                _text(point),
                _num(x + step / 2),
                _num(base + TEXT + 4 + (TEXT + 4 if stagger and i % 2 else 0)),
                point.label,
            )
        )
    return _frame(chart, height, body)


MARKERS = ("circle", "square", "diamond")


def _marker(kind: int, x: float, y: float) -> SafeString:
    shape = MARKERS[kind % len(MARKERS)]
    if shape == "circle":
        return format_html(
            '<circle class="chart-point series-{}" cx="{}" cy="{}" r="3.5"></circle>',
            kind,
            _num(x),
            _num(y),
        )
    if shape == "square":
        return format_html(
            '<rect class="chart-point series-{}" x="{}" y="{}" width="7" height="7"></rect>',
            kind,
            _num(x - 3.5),
            _num(y - 3.5),
        )
    return format_html(
        '<path class="chart-point series-{}" d="M{} {}l4 4l-4 4l-4 -4z"></path>',
        kind,
        _num(x),
        _num(y - 4),
    )


def _labelled(count: int, values: list[float], *, most: int = MAX_POINT_LABELS) -> set[int]:
    if count <= most:
        return set(range(count))
    every = -(-count // most)
    keep = set(range(0, count, every)) | {count - 1}
    if values:
        keep.add(max(range(count), key=values.__getitem__))
    return keep


def _axis_ticks(labels: list[str], step: float) -> list[int]:
    """The points whose date is written under the axis: evenly spaced, the first and the last
    always, and never two closer than the longest date's width (the table has every day)."""
    count = len(labels)
    if count <= 1:
        return list(range(count))
    room = max(len(label) for label in labels) * CHAR + GAP
    every = max(1, math.ceil(room / step))
    ticks = list(range(0, count, every))
    if ticks[-1] != count - 1:
        if len(ticks) > 1 and (count - 1 - ticks[-1]) * step < room:
            ticks.pop()  # the last date takes the place of the one too near it
        if (count - 1 - ticks[-1]) * step >= room:
            ticks.append(count - 1)
    return ticks


def _line(chart: Chart) -> SafeString:
    height, base, right = 200.0, 160.0, 80.0
    first = chart.series[0].points if chart.series else ()
    # Room on the left for half the first date, written centred under its point.
    left = max(24.0, max((len(p.label) for p in first), default=0) * CHAR / 2 + 2)
    top = _scale(chart)
    count = max((len(s.points) for s in chart.series), default=0)
    step = (WIDTH - left - right) / max(1, count - 1)
    if count == 1:
        left = (WIDTH - right) / 2  # one period: its point in the middle
    body = [
        format_html(
            '<line class="chart-axis" x1="0" y1="{}" x2="{}" y2="{}"></line>',
            base,
            WIDTH - right,
            base,
        )
    ]
    body.extend(
        format_html(
            '<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>',
            _num(left + i * step),
            _num(base + TEXT + 4),
            first[i].label,
        )
        for i in _axis_ticks([p.label for p in first], step)
    )
    names: list[float] = []  # where the series' names are written
    for kind, series in enumerate(chart.series):
        coords = [
            (left + i * step, base - p.value / top * (base - 24))
            for i, p in enumerate(series.points)
        ]
        if len(coords) > 1:
            path = " ".join(f"{_num(x)},{_num(y)}" for x, y in coords)
            body.append(
                format_html(
                    '<polyline class="chart-line series-{}" points="{}"></polyline>', kind, path
                )
            )
        values = [p.value for p in series.points]
        shown = _labelled(len(coords), values)
        for i, ((x, y), point) in enumerate(zip(coords, series.points, strict=True)):
            body.append(_marker(kind, x, y))
            if i in shown:
                body.append(
                    format_html(
                        '<text class="chart-value" x="{}" y="{}" text-anchor="middle">{}</text>',
                        _num(x),
                        # The second series writes under its points, unless the dates are there.
                        _num(y - 7 if kind % 2 == 0 or y + 16 > base - 2 else y + 16),
                        _text(point),
                    )
                )
        if coords:
            x, y = coords[-1]
            while any(abs(y - other) < TEXT for other in names):
                y += TEXT  # two series ending level: the names one under the other
            names.append(y)
            body.append(
                format_html(
                    '<text class="chart-series-name series-{}" x="{}" y="{}">{}</text>',
                    kind,
                    _num(x + 8),
                    _num(y + TEXT / 3),
                    series.name,
                )
            )
    return _frame(chart, height, body)


def render(chart: Chart) -> SafeString:
    if chart.kind == "bars":
        return _bars(chart)
    if chart.kind == "histogram":
        return _histogram(chart)
    return _line(chart)
