"""bench/views.py runs end to end on a small desk: every page it times answers 200 (a supervisor
too, whose session needs a second factor; the bench had stopped at its first search)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench
ROOT = Path(__file__).resolve().parents[2]


def test_the_views_bench_times_every_page(tmp_path: Path) -> None:
    out = tmp_path / "views.json"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "RAPPORT_DATA_DIR")}
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [
            sys.executable,
            "bench/views.py",
            *("--cases", "400", "--requests", "6", "--agents", "6", "--out", str(out)),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode in (0, 1), done.stdout[-2000:] + done.stderr[-2000:]  # 1: slow here
    results = json.loads(out.read_text())["results"]
    for page in ("case", "customer", "search", "search_any_way"):
        assert results[page]["n"] == 6, page
    assert results["inbox"]["n"] == 4 * 6  # mine, team, recent and a tiny team
