"""bench/triage_eval.py: figures per set, language and split, "needs a call" and the calls told
to expect a reply, and the issue's targets listed when missed (on a small set written here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.triage_eval import (
    READERS,
    RESULTS,
    groups,
    main,
    missed_targets,
    read_set,
    report_set,
    table,
)

NOW = "2026-12-01T10:00:00+00:00"


def _line(i: int, text: str, language: str, split: str, **labels: bool) -> str:
    return json.dumps(
        {
            "id": f"x{i}",
            "split": split,
            "language": language,
            "channel": "chat",
            "text": text,
            "history": [],
            "now": NOW,
            "labels": {
                s: labels.get(s, False)
                for s in ("urgent", "upset", "wants_human", "loop", "compliment")
            },
        }
    )


def _set(tmp_path: Path) -> Path:
    path = tmp_path / "set.jsonl"
    lines = [
        _line(1, "My dog is bleeding badly, please help", "en", "dev", urgent=True),
        _line(2, "I just want to talk to a real person", "en", "test", wants_human=True),
        # Needs a call, in words no rule knows: told to expect a reply.
        _line(3, "Por favor mira mi mensaje anterior", "es", "dev", upset=True),
        _line(4, "Thanks, all sorted!", "en", "dev", compliment=True),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_each_language_and_split_is_reported(tmp_path: Path) -> None:
    examples = read_set([_set(tmp_path), tmp_path / "absent.jsonl"])
    assert [e.language for e in examples] == ["en", "en", "es", "en"]
    assert set(groups(examples)) == {"all", "language=en", "language=es", "split=dev", "split=test"}
    report: dict[str, Any] = report_set(examples, [])
    spanish = report["groups"]["language=es"]
    assert spanish["messages"] == 1 and spanish["needs_call"] == 1
    assert set(READERS) <= set(spanish)
    everyone = report["groups"]["all"]["rapport"]
    assert everyone["needs_call"]["positives"] == 3
    assert everyone["needed_call_told_reply"] == everyone["needs_call"]["fn"] >= 1
    assert everyone["urgent"]["tp"] >= 1 and everyone["loop_with_history"]["positives"] == 0


def test_missed_targets_are_listed(tmp_path: Path) -> None:
    examples = read_set([_set(tmp_path)])
    scores = report_set(examples, [])["groups"]["all"]["rapport"]
    missed = missed_targets(scores)
    assert "loop (with history) recall None < 0.8" in missed
    assert any(m.startswith("needs a call recall ") for m in missed)
    perfect = {"precision": 1.0, "recall": 1.0}
    assert missed_targets(dict.fromkeys((*scores, "loop_with_history"), perfect)) == []


def test_the_table_has_a_row_per_reader_and_group(tmp_path: Path) -> None:
    report = report_set(read_set([_set(tmp_path)]), [])
    rows = table({"sets": {"frozen": report}}).splitlines()
    assert rows[0].startswith("| set | messages | reader | urgent |")
    vader = next(r for r in rows if r.startswith("| frozen all | 4 | vader_only |"))
    assert "| n/a / 0.0 |" in vader  # VADER never says urgent: no precision
    assert sum(r.startswith("| frozen split=") for r in rows) == 2  # Rapport alone per split


def test_files_named_are_scored_alone_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = RESULTS.stat().st_mtime_ns
    assert main([str(_set(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert out.startswith("given: 4 messages") and "frozen" not in out
    assert "rules_only" in out and "vader_only" in out
    assert RESULTS.stat().st_mtime_ns == before
    assert main([str(tmp_path / "missing.jsonl")]) == 2
