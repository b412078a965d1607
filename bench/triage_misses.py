"""Which customers who need a call triage misses, read from the build's own cross-validation.

Trains nothing that is kept: it runs `learning.cross_validate` (5 folds repeated over
fitting.REPEATS fold splits, the thresholds the build would choose) on labelled training files
and lists the messages labelled urgent, upset or wants a person that the whole decision (the
call signals' rules and heads, or the union head) left to a reply in most of the fold splits,
grouped by language, by the labels and by what the message is about (the safety kinds of the
issue, read by a few plain words in both languages: a rough grouping for reading the misses,
not a classifier). Never name the frozen set: its messages are not to be read.

Usage: .venv/bin/python bench/triage_misses.py [FILE ...]
Default: the shipped data, labelled_s14.jsonl and labelled_s15.jsonl.
Writes bench/results/triage_misses.json.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rapport.triage import embedding, learning, training
from rapport.triage.inputs import CALL_HEAD, CALL_SIGNALS
from rapport.triage.reading import fold

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "triage_misses.json"
DEFAULT = (
    *training.SHIPPED_DATA,
    training.DATA / "labelled_s14.jsonl",
    training.DATA / "labelled_s15.jsonl",
)

# What a message is about, by a few folded word stems (first match wins, in this order).
ABOUT = {
    "health or safety": (
        r"\b(breath|respir|bleed|sangr|blood|faint|desmay|vomit|fever|fiebre|pain|dolor|"
        r"swell|hinch|swallow|trag|ate |comio|seiz|convuls|chest|pecho|fell|cayo|caida|burn|"
        r"quem|gas|smoke|humo|fire|fuego|insulin|pill|pastill|dizzy|marea|allerg|alerg|"
        r"hospital|doctor|medic|vet|ambulan|wound|herida|unconscious|inconscien|not eating|"
        r"no come|choking|atragant|sting|pica|bite|mord|baby|bebe|dog|perr|cat |gat|"
        r"leak|fuga|flood|inund|water pour|danger|peligr|threat|amenaz|scared|miedo)"
    ),
    "money being taken": (
        r"\b(charg|cobr|debit|domicili|card|tarjeta|payment|pago|paid|pague|transfer|"
        r"money|dinero|plata|refund|reembols|devol|fraud|fraude|scam|estafa|hack|"
        r"account|cuenta|bank|banco|premium|fee|comision|\$|€|£|euros?\b|pesos?\b)"
    ),
    "losing access": (
        r"\b(log ?in|sign ?in|password|contrasena|locked|bloque|access|acceso|entrar|"
        r"code|codigo|app|website|web|site|down|caid|no funciona|not working|stopped|"
        r"no power|sin luz|internet|wifi|router|till|terminal|datafono|lock|cerradura|"
        r"key|llave|cut off|cortad|suspend|deleted|borrad|can't get in|no puedo)"
    ),
    "deadline within a day": (
        r"\b(today|hoy|tonight|esta noche|tomorrow|manana|this morning|esta manana|"
        r"this afternoon|esta tarde|in an hour|en una hora|flight|vuelo|train|tren|"
        r"wedding|boda|funeral|exam|examen|interview|entrevista|\d{1,2} ?(am|pm|h)\b|"
        r"\d{1,2}[:.]\d{2})"
    ),
}


def about(text: str) -> str:
    folded = fold(text)
    for kind, pattern in ABOUT.items():
        if re.search(pattern, folded):
            return kind
    return "other"


def lines(paths: Sequence[Path]) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for path in paths
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def misses(paths: Sequence[Path]) -> dict[str, Any]:
    rows = lines(paths)
    examples = training.read(paths)
    embedded = embedding.encoder().embed_many([e.features.text for e in examples])
    validated = learning.cross_validate(examples, embedded)
    repeats = validated.called.shape[0]
    report: dict[str, Any] = {
        "files": [path.name for path in paths],
        "examples": len(examples),
        "repeats": repeats,
        "thresholds": validated.thresholds,
        "needs_call": {},
        "missed": [],
    }
    groups: Counter[tuple[str, str]] = Counter()
    needing: Counter[tuple[str, str]] = Counter()
    for index, (row, example) in enumerate(zip(rows, examples, strict=True)):
        labels = row["labels"]
        if not any(labels[signal] for signal in CALL_SIGNALS):
            continue
        called = int(np.sum(validated.called[:, index]))
        kind = about(example.features.text)
        said = "+".join(s for s in CALL_SIGNALS if labels[s])
        keys = [("all", "all"), ("language", row["language"]), ("labels", said), ("about", kind)]
        for key in keys:
            needing[key] += 1
        if called * 2 < repeats:  # left to a reply in most fold splits
            for key in keys:
                groups[key] += 1
            report["missed"].append(
                {
                    "id": row["id"],
                    "language": row["language"],
                    "labels": said,
                    "about": kind,
                    "called_in": called,
                    "scores": {
                        head: round(float(np.mean(validated.scores[head][:, index])), 3)
                        for head in validated.scores
                    },
                    "text": example.features.text[:300],
                }
            )
    report["call_recall_targets"] = targets(validated)
    for (group, value), count in sorted(needing.items()):
        report["needs_call"].setdefault(group, {})[value] = {
            "need": count,
            "missed": groups[(group, value)],
        }
    return report


def targets(validated: learning.CrossValidated) -> dict[str, Any]:
    """The union head's threshold and the whole decision's pooled precision and recall, had
    learning.CALL_RECALL been each of a few targets (the same held-out scores)."""
    known, truth = validated.known[:, -1], validated.positive[:, -1]
    scores = validated.scores[CALL_HEAD][:, known].ravel()
    raised = validated.raised[:, known].ravel()
    truths = np.tile(truth[known], validated.raised.shape[0])
    found: dict[str, Any] = {}
    for target in (0.95, 0.96, 0.97):
        for threshold in np.round(np.arange(0.95, 0.3 - 1e-9, -0.01), 2):
            said = raised | (scores >= threshold)
            tp, fp = int(np.sum(said & truths)), int(np.sum(said & ~truths))
            fn = int(np.sum(~said & truths))
            if tp / (tp + fn) >= target:
                found[str(target)] = {
                    "threshold": float(threshold),
                    "precision": round(tp / (tp + fp), 3),
                    "recall": round(tp / (tp + fn), 3),
                }
                break
    return found


def main(argv: Sequence[str]) -> int:
    paths = [Path(arg) for arg in argv] or list(DEFAULT)
    if any(path.name == "frozen.jsonl" for path in paths):
        print("the frozen set is only scored (bench/triage_eval.py), never read", file=sys.stderr)
        return 2
    report = misses(paths)
    RESULTS.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    shown = ("examples", "thresholds", "call_recall_targets", "needs_call")
    print(json.dumps({k: report[k] for k in shown}, indent=1))
    print(f"{len(report['missed'])} missed in most fold splits -> {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
