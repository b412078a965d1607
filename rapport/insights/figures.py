"""Small helpers the questions share: a selector's aggregate row as its dataclass, the sum of
such rows, a dataclass of figures with its derived ones as the API's JSON, percentages as a
report's figures and chart points."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any, Protocol, TypeVar

from rapport.insights.charts import Point, Series

FiguresT = TypeVar("FiguresT")


def from_row(figures: type[FiguresT], row: Mapping[str, Any]) -> FiguresT:
    """The dataclass `figures` from an aggregate row holding (at least) each of its fields."""
    fields: Mapping[str, Any] = getattr(figures, "__dataclass_fields__")  # noqa: B009
    return figures(**{name: row[name] for name in fields})


def summed(figures: type[FiguresT], parts: Iterable[FiguresT]) -> FiguresT:
    """The dataclass `figures` (every field a count) of all `parts` together: the figures of
    groups that cover a window (its weeks, its kinds) add up to the window's."""
    fields: Mapping[str, Any] = getattr(figures, "__dataclass_fields__")  # noqa: B009
    totals = dict.fromkeys(fields, 0)
    for part in parts:
        for name in fields:
            totals[name] += getattr(part, name)
    return figures(**totals)


def as_data(figures: object, *derived: str) -> dict[str, Any]:
    """A dataclass of figures as JSON: its fields, then the `derived` properties named."""
    return {**vars(figures), **{name: getattr(figures, name) for name in derived}}


def as_share(value: float | None) -> float | None:
    """A percentage as the share (0-1) a report's figure with unit "share" holds."""
    return None if value is None else round(value / 100, 3)


def percent_point(label: str, value: float | None) -> Point:
    """A chart's point for a percentage that may be missing: drawn at 0, labelled "none"."""
    return Point(label, value or 0.0, "none" if value is None else f"{value:g}%")


class Weekly(Protocol):
    @property
    def week(self) -> date: ...


WeekT = TypeVar("WeekT", bound=Weekly)


def weekly_percent(
    name: str, weeks: Iterable[WeekT], percent_of: Callable[[WeekT], float | None]
) -> Series:
    """A line's series of a percentage per week (a point per week, labelled with its Monday)."""
    return Series(name, tuple(percent_point(str(w.week), percent_of(w)) for w in weeks))
