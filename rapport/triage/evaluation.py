"""Precision and recall of triage on a labelled set, beside a VADER-only baseline."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapport.triage.records import Request, parse_request
from rapport.triage.sentiment import compound

SIGNALS = ("urgent", "upset", "wants_human", "loop", "compliment")
DATA = Path(__file__).resolve().parent / "data"
# The training/development set (shipped in the package: `rapport triage train` runs on desks).
DEFAULT_SET = DATA / "labelled.jsonl"
# What the issue asks for: recall for the signals that must never be missed, precision for all.
RECALL_TARGETS = {"urgent": 0.9, "wants_human": 0.9}
PRECISION_TARGET = 0.85
# The baseline: what a sentiment score alone can say.
VADER_UPSET = -0.4
VADER_COMPLIMENT = 0.6


@dataclass(frozen=True, slots=True)
class Example:
    id: str
    split: str
    request: Request
    labels: dict[str, bool]
    language: str = "en"


def load(path: Path = DEFAULT_SET) -> list[Example]:
    examples = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                data = json.loads(line)
                labels = {signal: bool(data["labels"][signal]) for signal in SIGNALS}
                examples.append(
                    Example(
                        data["id"],
                        data["split"],
                        parse_request(data),
                        labels,
                        data.get("language", "en"),
                    )
                )
    return examples


Predict = Callable[[Request], dict[str, bool]]


def rapport_predict(request: Request) -> dict[str, bool]:
    result = request.run()
    return {signal: bool(getattr(result, signal)) for signal in SIGNALS}


def vader_predict(request: Request) -> dict[str, bool]:
    score = compound(request.text)
    return {
        "urgent": False,
        "upset": score <= VADER_UPSET,
        "wants_human": False,
        "loop": False,
        "compliment": score >= VADER_COMPLIMENT,
    }


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


def score(examples: Sequence[Example], predict: Predict) -> dict[str, dict[str, Any]]:
    """Per signal: precision, recall and the counts behind them (precision None = never said)."""
    counts = {signal: {"tp": 0, "fp": 0, "fn": 0} for signal in SIGNALS}
    for example in examples:
        predicted = predict(example.request)
        for signal in SIGNALS:
            said, truth = predicted[signal], example.labels[signal]
            if said and truth:
                counts[signal]["tp"] += 1
            elif said:
                counts[signal]["fp"] += 1
            elif truth:
                counts[signal]["fn"] += 1
    return {
        signal: {
            "precision": _ratio(c["tp"], c["tp"] + c["fp"]),
            "recall": _ratio(c["tp"], c["tp"] + c["fn"]),
            "positives": c["tp"] + c["fn"],
            **c,
        }
        for signal, c in counts.items()
    }


def misses_targets(metrics: dict[str, dict[str, Any]]) -> list[str]:
    """The targets a Rapport score misses, in words; empty when all are met."""
    misses = []
    for signal, floor in RECALL_TARGETS.items():
        recall = metrics[signal]["recall"]
        if recall is None or recall < floor:
            misses.append(f"{signal} recall {recall} < {floor}")
    for signal in SIGNALS:
        precision = metrics[signal]["precision"]
        if precision is None or precision < PRECISION_TARGET:
            misses.append(f"{signal} precision {precision} < {PRECISION_TARGET}")
    return misses


def throughput(requests: Iterable[Request], *, rounds: int = 5) -> float:
    """Messages triaged per second, one process, over `rounds` passes of the set."""
    batch = list(requests)
    started = time.perf_counter()
    for _ in range(rounds):
        for request in batch:
            request.run()
    return round(rounds * len(batch) / (time.perf_counter() - started), 1)


def report(examples: Sequence[Example]) -> dict[str, Any]:
    splits = {
        "all": list(examples),
        **{
            name: [e for e in examples if e.split == name]
            for name in sorted({e.split for e in examples})
        },
    }
    result: dict[str, Any] = {"messages": len(examples), "splits": {}}
    for name, subset in splits.items():
        rapport = score(subset, rapport_predict)
        result["splits"][name] = {
            "messages": len(subset),
            "rapport": rapport,
            "vader_only": score(subset, vader_predict),
            "targets_missed": misses_targets(rapport),
        }
    result["messages_per_second"] = throughput(e.request for e in examples)
    return result
