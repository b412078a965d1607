"""`rapport triage --json TEXT|-` and `rapport triage --jsonl FILE|-`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from rapport.triage.signals import JSON_KEYS


def run(*args: str, stdin: str | None = None, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out, err = io.StringIO(), io.StringIO()
    call_command("triage", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_text(monkeypatch: pytest.MonkeyPatch) -> None:
    out, _ = run(
        "--json", "I just want to talk to a real person, not a robot!", monkeypatch=monkeypatch
    )
    data = json.loads(out)
    assert tuple(data) == (*JSON_KEYS, "model")
    assert data["wants_human"] is True
    assert data["recommended_contact"] == "call"
    assert any("not a robot" in reason for reason in data["reasons"])


def test_json_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    out, _ = run("--json", "-", stdin="My dog is bleeding\n", monkeypatch=monkeypatch)
    data = json.loads(out)
    assert data["urgent"] is True
    assert data["priority"] == "urgent"


def test_json_no_phone_gives_callback(monkeypatch: pytest.MonkeyPatch) -> None:
    out, _ = run("--json", "please call me", "--no-phone", monkeypatch=monkeypatch)
    assert json.loads(out)["recommended_contact"] == "callback"


def test_jsonl_file_one_result_per_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [
        {"text": "thanks, that fixed it!", "channel": "chat"},
        {
            "text": "Where is my refund for order 3391?",
            "channel": "sms",
            "history": [
                {"text": "Where is my refund for order 3391", "at": "2025-03-14T12:00:00Z"}
            ],
            "now": "2025-03-14T15:00:00+00:00",
        },
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    out, err = run("--jsonl", str(path), monkeypatch=monkeypatch)
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["compliment"] for r in results] == [True, False]
    assert [r["loop"] for r in results] == [False, True]
    assert err == ""


def test_jsonl_bad_lines_are_named_and_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = "\n".join(
        [
            json.dumps({"text": "Our website is down"}),
            "this is not json",
            json.dumps({"channel": "chat"}),
            json.dumps({"text": "hi", "history": [{"text": "x", "at": "2025-03-14T12:00:00"}]}),
            json.dumps({"text": "can I talk to a person please"}),
        ]
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="3 bad lines"):
        call_command("triage", "--jsonl", "-", stdout=out, stderr=err)
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["urgent"] for r in results] == [True, False]
    assert results[1]["wants_human"] is True
    errors = err.getvalue().splitlines()
    assert errors[0].startswith("line 2: not valid JSON")
    assert errors[1] == 'line 3: "text" is missing or not a string'
    assert errors[2].startswith("line 4: history[0].at needs a time zone offset")


def test_jsonl_missing_file(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        run("--jsonl", "/nonexistent/triage.jsonl", monkeypatch=monkeypatch)


def test_needs_exactly_one_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CommandError):
        run(monkeypatch=monkeypatch)
