"""`rapport staffing`: the interface operators script against, exactly as documented."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

CANONICAL = [
    "--arrivals", "100", "--interval-minutes", "30", "--aht-seconds", "180",
    "--target-seconds", "20", "--service-level", "0.8",
]  # fmt: skip


def _staffing(*args: str) -> str:
    out = StringIO()
    call_command("staffing", *args, stdout=out)
    return out.getvalue()


def _rapport(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "rapport.cli", "staffing", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_json_answer_has_exactly_the_documented_keys_and_values() -> None:
    answer = json.loads(
        _staffing("--json", *CANONICAL, "--max-occupancy", "0.85", "--shrinkage", "0.3")
    )
    assert set(answer) == {
        "agents",
        "scheduled_agents",
        "probability_of_waiting",
        "service_level",
        "average_speed_of_answer_seconds",
        "occupancy",
    }
    assert answer["agents"] == 14
    assert answer["scheduled_agents"] == 20
    assert answer["probability_of_waiting"] == pytest.approx(0.174132, abs=1e-6)
    assert answer["service_level"] == pytest.approx(0.88835, abs=1e-5)
    assert answer["average_speed_of_answer_seconds"] == pytest.approx(7.8359, abs=1e-4)
    assert answer["occupancy"] == pytest.approx(0.714286, abs=1e-6)


def test_patience_adds_the_share_hanging_up() -> None:
    answer = json.loads(
        _staffing("--json", *CANONICAL, "--patience-seconds", "300", "--agents", "14")
    )
    assert answer["agents"] == 14
    assert round(answer["probability_of_abandoning"], 6) == 0.013984


def test_prose_without_json() -> None:
    said = _staffing(*CANONICAL)
    assert "Agents on duty: 14" in said
    assert "Load: 10.00 Erlangs." in said


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--agents", "10"], "cannot carry 10.00 Erlangs"),
        (["--agents", "0"], "at least 1"),
        (["--shrinkage", "1"], "Shrinkage"),
        (["--max-occupancy", "0"], "maximum occupancy"),
        (["--aht-seconds", "-5"], "handle time"),
        (["--arrivals", "nan"], "arrivals"),
    ],
)
def test_a_load_over_the_agents_or_nonsense_is_a_usage_error_saying_why(
    extra: list[str], said: str
) -> None:
    with pytest.raises(CommandError, match=said) as refused:
        _staffing("--json", *CANONICAL, *extra)
    assert refused.value.returncode == 2


def test_the_service_level_is_a_share() -> None:
    args = [a if a != "0.8" else "80" for a in CANONICAL]
    with pytest.raises(CommandError, match="share between 0 and 1"):
        _staffing("--json", *args)


def test_from_the_shell_a_refusal_exits_2_with_nothing_on_stdout() -> None:
    for extra, said in (
        (["--agents", "10"], "cannot carry"),
        (["--arrivals", "x"], "invalid float"),
    ):
        done = _rapport("--json", *CANONICAL, *extra)
        assert done.returncode == 2
        assert said in done.stderr
        assert done.stdout == ""
