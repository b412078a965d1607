"""Small helpers the questions share to turn the selectors' percentages into a report's figures
and chart points."""

from __future__ import annotations

from rapport.insights.charts import Point


def as_share(value: float | None) -> float | None:
    """A percentage as the share (0-1) a report's figure with unit "share" holds."""
    return None if value is None else round(value / 100, 3)


def percent_point(label: str, value: float | None) -> Point:
    """A chart's point for a percentage that may be missing: drawn at 0, labelled "none"."""
    return Point(label, value or 0.0, "none" if value is None else f"{value:g}%")
