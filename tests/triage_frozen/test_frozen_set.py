"""The frozen evaluation set of the message triage (rapport/triage/data/frozen.jsonl) is frozen:
its bytes still hash to the recorded SHA-256, and every line has the shape the evaluation reads.

The set is for measuring only, never for tuning; FROZEN.md beside it says who wrote it and how.
This test reads the file's shape and counts, and prints no example.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "rapport" / "triage" / "data"
FROZEN = DATA / "frozen.jsonl"
LABELS = ("urgent", "upset", "wants_human", "loop", "compliment")
CHANNELS = {"email", "chat", "sms", "phone", "social", "web"}
FIELDS = {"id", "split", "language", "channel", "text", "history", "now", "labels"}


def _lines() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with FROZEN.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            row = json.loads(line)
            assert isinstance(row, dict), f"line {number} is not a JSON object"
            rows.append(row)
    return rows


def _aware(value: object, where: str) -> datetime:
    assert isinstance(value, str), f"{where}: not a string"
    moment = datetime.fromisoformat(value)
    assert moment.tzinfo is not None and moment.utcoffset() is not None, f"{where}: no offset"
    return moment


def test_the_file_still_hashes_to_the_recorded_sha256() -> None:
    recorded = (DATA / "frozen.sha256").read_text(encoding="utf-8").split()
    assert recorded[1:] == ["frozen.jsonl"]
    assert hashlib.sha256(FROZEN.read_bytes()).hexdigest() == recorded[0]


def test_every_line_has_the_fields_and_types() -> None:
    for row in _lines():
        where = str(row.get("id"))
        assert set(row) == FIELDS, where
        assert isinstance(row["id"], str) and row["id"], where
        assert row["split"] == "frozen", where
        assert row["language"] in {"en", "es"}, where
        assert row["channel"] in CHANNELS, where
        assert isinstance(row["text"], str) and row["text"].strip(), where
        assert isinstance(row["labels"], dict), where
        assert set(row["labels"]) == set(LABELS), where
        assert all(type(value) is bool for value in row["labels"].values()), where
        assert isinstance(row["history"], list), where
        for earlier in row["history"]:
            assert isinstance(earlier, dict) and set(earlier) == {"text", "at"}, where
            assert isinstance(earlier["text"], str) and earlier["text"].strip(), where


def test_ids_are_unique() -> None:
    ids = Counter(str(row["id"]) for row in _lines())
    assert [name for name, times in ids.items() if times > 1] == []


def test_history_comes_before_now_and_every_time_has_an_offset() -> None:
    for row in _lines():
        now = _aware(row["now"], f"{row['id']} now")
        for earlier in row["history"]:
            at = _aware(earlier["at"], f"{row['id']} history")
            assert at < now, row["id"]


@pytest.mark.parametrize("label", LABELS)
def test_each_label_has_at_least_30_positives(label: str) -> None:
    assert sum(1 for row in _lines() if row["labels"][label]) >= 30


def test_both_languages_are_present() -> None:
    languages = Counter(str(row["language"]) for row in _lines())
    assert set(languages) == {"en", "es"}
    assert min(languages.values()) >= 100


def test_the_data_files_ship_inside_the_package() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = pyproject["tool"]["setuptools"]["package-data"]
    assert "data/*" in package_data["rapport.triage"]
