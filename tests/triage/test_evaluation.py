"""The labelled evaluation set meets the issue's targets: a regression guard for every rule."""

from __future__ import annotations

import pytest

from rapport.triage.evaluation import (
    SIGNALS,
    load,
    misses_targets,
    rapport_predict,
    score,
    vader_predict,
)

EXAMPLES = load()


def test_the_set_is_big_and_varied() -> None:
    assert len(EXAMPLES) >= 300
    assert {e.request.channel for e in EXAMPLES} >= {
        "email",
        "chat",
        "sms",
        "social",
        "web",
        "phone",
    }
    assert {e.split for e in EXAMPLES} == {"dev", "test"}
    assert {e.language for e in EXAMPLES} == {"en", "es"}
    assert sum(e.language == "es" for e in EXAMPLES) >= 40
    for signal in SIGNALS:
        assert sum(e.labels[signal] for e in EXAMPLES) >= 30, signal
    assert any(e.request.history for e in EXAMPLES)


@pytest.mark.parametrize("split", ["all", "test"])
def test_rapport_meets_the_targets(split: str) -> None:
    subset = [e for e in EXAMPLES if split in {"all", e.split}]
    metrics = score(subset, rapport_predict)
    assert misses_targets(metrics) == []


def test_rapport_beats_the_vader_baseline() -> None:
    rapport, vader = score(EXAMPLES, rapport_predict), score(EXAMPLES, vader_predict)
    assert vader["wants_human"]["recall"] == 0.0
    for signal in ("upset", "compliment"):
        assert rapport[signal]["recall"] > vader[signal]["recall"]
        assert rapport[signal]["precision"] > vader[signal]["precision"]
