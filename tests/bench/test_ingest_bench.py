"""bench/ingest.py runs end to end on a small mailbox and reports what bench/README.md says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench
ROOT = Path(__file__).resolve().parents[2]


def test_the_ingest_bench_reports_the_floor_the_desk_and_a_drain(tmp_path: Path) -> None:
    out = tmp_path / "ingest.json"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "RAPPORT_DATA_DIR")}
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [
            sys.executable,
            "bench/ingest.py",
            *("--n", "60", "--rounds", "2", "--workers", "1", "--out", str(out)),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr  # 1: the aim was not met on this run
    result = json.loads(out.read_text())
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
