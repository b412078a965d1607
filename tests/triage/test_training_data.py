"""The shipped training data parses as triage requests, is labelled in full and is bilingual."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rapport.triage.records import parse_request

DATA = Path(__file__).resolve().parents[2] / "rapport" / "triage" / "data"
SIGNALS = ("urgent", "upset", "wants_human", "loop", "compliment")
CHANNELS = {"email", "chat", "sms", "phone", "social", "web"}


def _lines(name: str) -> list[dict[str, Any]]:
    path = DATA / name
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


MORE = _lines("labelled_more.jsonl")
S14 = _lines("labelled_s14.jsonl")
S15 = _lines("labelled_s15.jsonl")
EVERY = _lines("labelled.jsonl") + MORE + S14 + S15


def test_every_line_is_a_labelled_request() -> None:
    assert len(MORE) >= 300
    for line in EVERY:
        assert {"id", "split", "language", "channel", "text", "history", "now", "labels"} <= set(
            line
        )
        request = parse_request(line)
        assert request.text.strip(), line["id"]
        assert request.now is not None, line["id"]
        assert all(item.at < request.now for item in request.history), line["id"]
        assert line["language"] in {"en", "es"}, line["id"]
        assert set(line["labels"]) == set(SIGNALS), line["id"]
        assert all(isinstance(value, bool) for value in line["labels"].values()), line["id"]


def test_ids_are_unique_across_the_files() -> None:
    ids = [line["id"] for line in EVERY]
    assert len(ids) == len(set(ids))


def test_the_new_data_is_training_data_in_both_languages() -> None:
    assert {line["split"] for line in MORE} == {"train"}
    assert {line["channel"] for line in MORE} == CHANNELS
    languages = [line["language"] for line in MORE]
    assert 0.4 <= languages.count("es") / len(languages) <= 0.6


def test_session_14s_batch_is_training_data_in_both_languages_with_neutral_lines() -> None:
    assert len(S14) >= 300
    assert {line["split"] for line in S14} == {"train"}
    assert {line["channel"] for line in S14} == CHANNELS
    languages = [line["language"] for line in S14]
    assert 0.45 <= languages.count("es") / len(languages) <= 0.55
    neutral = [line for line in S14 if not any(line["labels"].values())]
    assert 0.3 <= len(neutral) / len(S14) <= 0.45
    for signal in SIGNALS:
        for language in ("en", "es"):
            positives = [m for m in S14 if m["labels"][signal] and m["language"] == language]
            assert len(positives) >= 10, (signal, language)


def test_every_signal_has_enough_positives_in_each_language() -> None:
    for signal in SIGNALS:
        for language in ("en", "es"):
            positives = [m for m in MORE if m["labels"][signal] and m["language"] == language]
            assert len(positives) >= 25, (signal, language)
        assert sum(m["labels"][signal] for m in MORE) >= 50, signal


def test_a_compliment_leaves_nothing_to_do() -> None:
    for line in MORE + S14:
        labels = line["labels"]
        if labels["compliment"]:
            others = ("urgent", "upset", "wants_human", "loop")
            assert not any(labels[s] for s in others), line["id"]
