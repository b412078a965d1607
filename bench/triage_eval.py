"""Triage against the labelled evaluation set, beside a VADER-only baseline, plus messages/s.

Usage: .venv/bin/python bench/triage_eval.py [path/to/set.jsonl]
Prints JSON and writes it to bench/results/triage_eval.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rapport.triage.evaluation import DEFAULT_SET, load, report

RESULTS = Path(__file__).resolve().parent / "results" / "triage_eval.json"


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else DEFAULT_SET
    result: dict[str, Any] = {
        "set": str(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)
    }
    result |= report(load(path))
    text = json.dumps(result, indent=2)
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text + "\n", encoding="utf-8")
    return 1 if result["splits"]["all"]["targets_missed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
