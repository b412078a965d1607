"""bench/views.py runs end to end on a small desk: every page it times answers 200 (a supervisor
too, whose session needs a second factor; the bench had stopped at its first search)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bench.runner import run_bench

pytestmark = pytest.mark.bench


def test_the_views_bench_times_every_page(tmp_path: Path) -> None:
    results = run_bench(
        "views.py",
        *("--cases", "400", "--requests", "6", "--agents", "6"),
        out=tmp_path / "views.json",
    )["results"]
    for page in ("case", "customer", "search", "search_any_way"):
        assert results[page]["n"] == 6, page
    assert results["inbox"]["n"] == 4 * 6  # mine, team, recent and a tiny team
