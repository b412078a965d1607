"""VADER (Hutto & Gilbert, 2014) as one input to triage; loaded on first use."""

from __future__ import annotations

from functools import cache

from vaderSentiment.vaderSentiment import (  # type: ignore[import-untyped]
    SentimentIntensityAnalyzer,
)


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def polarity(text: str) -> dict[str, float]:
    """VADER's scores: ``neg``, ``neu``, ``pos`` and ``compound`` (-1 .. +1)."""
    scores: dict[str, float] = _analyzer().polarity_scores(text)
    return scores


def compound(text: str) -> float:
    return polarity(text)["compound"]
