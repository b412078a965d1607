"""bench/ingest.py runs end to end on a small mailbox and reports what bench/README.md says."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bench.runner import run_bench

pytestmark = pytest.mark.bench


def test_the_ingest_bench_reports_the_floor_the_desk_and_a_drain(tmp_path: Path) -> None:
    result = run_bench(
        "ingest.py", *("--n", "60", "--rounds", "2", "--workers", "1"), out=tmp_path / "ingest.json"
    )
    assert len(result["floor"]["rounds_mails_per_s"]) == 2  # the floor is measured each round
    assert len(result["empty_desk"]["rounds_mails_per_s"]) == 2
    assert result["ratio_to_floor"] == round(
        result["empty_desk"]["mails_per_s"] / result["floor"]["mails_per_s"], 3
    )
    assert result["ok"] == (result["ratio_to_floor"] >= result["aims"]["ratio_to_floor"])
    assert sum(result["empty_desk"]["outcomes"].values()) == 60
    assert result["empty_desk"]["outcomes"]["new_case"] > 0
    (drain,) = result["drain"]
    assert drain["workers"] == 1
    assert sum(drain["statuses"].values()) == 60, drain
