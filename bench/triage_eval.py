"""Triage measured on both labelled sets, per language and per split, beside the baselines.

- development: the shipped data (`training.SHIPPED_DATA`: `rapport/triage/data/labelled.jsonl`
  and `labelled_more.jsonl`), the data the rules are tuned on and the learned layer is trained on;
- frozen: `rapport/triage/data/frozen.jsonl`, written independently before any rule change and
  never tuned against. Only its aggregate figures are printed, never its messages.

For each set, language and split: precision and recall per signal for Rapport (the rules and the
shipped model), the rules alone and VADER alone, plus "needs a call" (urgent, upset or asking for a
person) steered to a call or callback, and how many who needed a call were told to expect a
reply. The issue's targets are checked on the frozen set and listed when missed (this script
does not fail on them; tests/triage/test_evaluation.py guards the development data).

Usage: .venv/bin/python bench/triage_eval.py [--table | FILE ...]
Scores both sets, prints a summary and writes JSON to bench/results/triage_eval.json. With FILEs,
scores only those and writes nothing (for tuning: name the training files, never the frozen
set). `--table` prints the last results as the Markdown table of bench/README.md.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapport.triage import learned, training
from rapport.triage.evaluation import SIGNALS, Example, load, throughput, vader_predict
from rapport.triage.records import Request

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "rapport" / "triage" / "data"
DEVELOPMENT = training.SHIPPED_DATA  # the training data: what the shipped model is trained on
FROZEN = DATA / "frozen.jsonl"
RESULTS = ROOT / "bench" / "results" / "triage_eval.json"

CALLING = ("urgent", "upset", "wants_human")  # a customer with any of these needs a call
# The aims, checked on the frozen set.
BOTH_TARGETS = {"urgent": 0.85, "upset": 0.85, "wants_human": 0.85, "compliment": 0.75}
LOOP_RECALL, LOOP_PRECISION = 0.80, 0.90
NEEDS_CALL_RECALL = 0.95


@dataclass(frozen=True, slots=True)
class Reading:
    """What one reader said about one message: the signals and the recommended contact."""

    signals: dict[str, bool]
    contact: str


Reader = Callable[[Request], Reading]


def rapport(request: Request) -> Reading:
    result = request.run()
    return Reading({s: bool(getattr(result, s)) for s in SIGNALS}, result.recommended_contact)


def vader_only(request: Request) -> Reading:
    """VADER alone can only say upset (or a compliment); an upset customer would be called."""
    said = vader_predict(request)
    return Reading(said, "call" if said["upset"] else "reply")


def rules_only(request: Request) -> Reading:
    result = request.run(model=learned.RULES_ONLY)
    return Reading({s: bool(getattr(result, s)) for s in SIGNALS}, result.recommended_contact)


READERS: dict[str, Reader] = {
    "rapport": rapport,
    "rules_only": rules_only,
    "vader_only": vader_only,
}


@dataclass(frozen=True, slots=True)
class Labelled:
    example: Example
    language: str

    @property
    def needs_call(self) -> bool:
        return any(self.example.labels[s] for s in CALLING)


def read_set(paths: Iterable[Path]) -> list[Labelled]:
    """The examples of the files that exist, each with its language ("?" when not given)."""
    found: list[Labelled] = []
    for path in paths:
        if not path.is_file():
            continue
        with path.open(encoding="utf-8") as lines:
            languages = [json.loads(line).get("language", "?") for line in lines if line.strip()]
        found += [Labelled(e, lang) for e, lang in zip(load(path), languages, strict=True)]
    return found


def _shown(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


def _counts(pairs: Iterable[tuple[bool, bool]]) -> dict[str, Any]:
    """(said, truth) pairs -> precision, recall and the counts behind them."""
    tp = fp = fn = 0
    for said, truth in pairs:
        tp += said and truth
        fp += said and not truth
        fn += truth and not said
    return {
        "precision": _ratio(tp, tp + fp),
        "recall": _ratio(tp, tp + fn),
        "positives": tp + fn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def figures(group: Sequence[Labelled], readings: Sequence[Reading]) -> dict[str, Any]:
    """Per signal, loops among messages with history, needs a call, and calls told reply."""
    pairs = list(zip(group, readings, strict=True))
    result: dict[str, Any] = {
        s: _counts((r.signals[s], g.example.labels[s]) for g, r in pairs) for s in SIGNALS
    }
    result["loop_with_history"] = _counts(
        (r.signals["loop"], g.example.labels["loop"]) for g, r in pairs if g.example.request.history
    )
    result["needs_call"] = _counts(
        (r.contact in ("call", "callback"), g.needs_call) for g, r in pairs
    )
    result["needed_call_told_reply"] = sum(g.needs_call and r.contact == "reply" for g, r in pairs)
    return result


def _language(example: Labelled) -> str:
    return example.language


def _split(example: Labelled) -> str:
    return example.example.split


def groups(examples: Sequence[Labelled]) -> dict[str, list[int]]:
    """Indexes of the examples in: all, each language, each split."""
    named: dict[str, list[int]] = {"all": list(range(len(examples)))}
    for key, value_of in (("language", _language), ("split", _split)):
        values = sorted({value_of(e) for e in examples})
        for value in values if len(values) > 1 else ():  # one value: the same as "all"
            named[f"{key}={value}"] = [i for i, e in enumerate(examples) if value_of(e) == value]
    return named


def report_set(examples: Sequence[Labelled], files: Sequence[Path]) -> dict[str, Any]:
    readings = {name: [read(e.example.request) for e in examples] for name, read in READERS.items()}
    result: dict[str, Any] = {
        "files": [_shown(path) for path in files if path.is_file()],
        "messages": len(examples),
        "groups": {},
    }
    for name, indexes in groups(examples).items():
        subset = [examples[i] for i in indexes]
        result["groups"][name] = {
            "messages": len(subset),
            "with_history": sum(bool(e.example.request.history) for e in subset),
            "needs_call": sum(e.needs_call for e in subset),
            **{
                reader: figures(subset, [readings[reader][i] for i in indexes])
                for reader in READERS
            },
        }
    return result


def missed_targets(scores: dict[str, Any]) -> list[str]:
    """The issue's aims a set of Rapport figures misses, in words; empty when all are met."""
    missed = []
    for signal, floor in BOTH_TARGETS.items():
        for measure in ("precision", "recall"):
            value = scores[signal][measure]
            if value is None or value < floor:
                missed.append(f"{signal} {measure} {value} < {floor}")
    loop = scores["loop_with_history"]
    if loop["recall"] is None or loop["recall"] < LOOP_RECALL:
        missed.append(f"loop (with history) recall {loop['recall']} < {LOOP_RECALL}")
    if loop["precision"] is None or loop["precision"] < LOOP_PRECISION:
        missed.append(f"loop (with history) precision {loop['precision']} < {LOOP_PRECISION}")
    calls = scores["needs_call"]["recall"]
    if calls is None or calls < NEEDS_CALL_RECALL:
        missed.append(f"needs a call recall {calls} < {NEEDS_CALL_RECALL}")
    return missed


def _line(name: str, scores: dict[str, Any]) -> str:
    cells = [
        f"{s} {scores[s]['precision']}/{scores[s]['recall']}" for s in (*SIGNALS, "needs_call")
    ]
    return f"  {name:<11} " + "  ".join(cells) + f"  told reply {scores['needed_call_told_reply']}"


def _pair(scores: dict[str, Any]) -> str:
    """'0.9 / 0.5'; a reader that never said the signal has no precision: 'n/a'."""
    return " / ".join(
        "n/a" if v is None else str(v) for v in (scores["precision"], scores["recall"])
    )


def table(result: dict[str, Any]) -> str:
    """The figures as a Markdown table: every reader on all and per language, Rapport per split."""
    columns = (*[s for s in SIGNALS if s != "loop"], "loop_with_history", "needs_call")
    rows = [
        "| set | messages | reader | " + " | ".join(columns) + " | needed a call, told reply |",
        "|---" * (len(columns) + 4) + "|",
    ]
    for name, data in result["sets"].items():
        for group, scores in data["groups"].items():
            readers = READERS if not group.startswith("split=") else ("rapport",)
            for reader in readers:
                cells = [_pair(scores[reader][c]) for c in columns]
                told = f"{scores[reader]['needed_call_told_reply']} of {scores['needs_call']}"
                rows.append(
                    f"| {name} {group} | {scores['messages']} | {reader} | "
                    + " | ".join(cells)
                    + f" | {told} |"
                )
    return "\n".join(rows)


def main(argv: Sequence[str]) -> int:
    args = list(argv)
    if args == ["--table"]:
        print(table(json.loads(RESULTS.read_text(encoding="utf-8"))))
        return 0
    given = [Path(arg) for arg in args]
    unreadable = [str(path) for path in given if path.name.startswith("-") or not path.is_file()]
    if unreadable:
        print(f"no such file: {', '.join(unreadable)}", file=sys.stderr)
        print(__doc__.strip().splitlines()[-4], file=sys.stderr)
        return 2
    sets = {"given": tuple(given)} if given else {"development": DEVELOPMENT, "frozen": (FROZEN,)}
    shipped = learned.load_shipped()
    result: dict[str, Any] = {
        "model": {"name": shipped.name, "version": shipped.version},
        "sets": {},
    }
    for name, files in sets.items():
        examples = read_set(files)
        if examples:
            result["sets"][name] = report_set(examples, files)
    for name, data in result["sets"].items():
        print(f"{name}: {data['messages']} messages ({', '.join(data['files'])})")
        for group, scores in data["groups"].items():
            print(f" {group} ({scores['messages']}; precision/recall)")
            for reader in READERS:
                print(_line(reader, scores[reader]))
    if given:
        return 0
    frozen = result["sets"].get("frozen")
    missed = missed_targets(frozen["groups"]["all"]["rapport"]) if frozen else None
    result["frozen_targets_missed"] = missed
    result["messages_per_second"] = throughput(e.example.request for e in read_set(DEVELOPMENT))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if missed is None:
        print(f"frozen set not found ({FROZEN.relative_to(ROOT)}): targets not checked")
    else:
        print("frozen set targets:", "all met" if not missed else "missed: " + "; ".join(missed))
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
