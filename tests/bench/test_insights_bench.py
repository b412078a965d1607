"""bench/insights.py generates a small desk in SQL and times every insights page it finds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.bench.runner import run_bench

pytestmark = pytest.mark.bench


def test_the_insights_bench_times_every_page_there_is(tmp_path: Path) -> None:
    report = run_bench(
        "insights.py",
        *("--cases", "600", "--agents", "40", "--requests", "3"),
        *("--data-dir", str(tmp_path)),
        out=tmp_path / "insights.json",
    )
    results = report["results"]
    assert report["cases"] == 600
    # Every reply and the first inbound message of every case are there.
    assert report["messages"] > 2 * 600 * 0.9
    # The generator stores each case's wait as the actions do (Case.first_wait).
    assert report["first_wait_mismatched"] == 0
    for name in ("supervisor", "api time-to-human default", "api time-to-human year"):
        assert results[name]["n"] == 3, name
    # Each page was timed or answered 404 (not built yet on this checkout), none both.
    assert not set(results) & set(report["absent"])
    # The six questions, default and year, page and API; saved replies twice; time to a
    # human's year by one site and by one agent, page and API.
    assert len(results) + len(report["absent"]) == 1 + 6 * 4 + 2 + 4
    for name in ("api time-to-human site year", "page time-to-human agent year"):
        assert results[name]["n"] == 3, name

    # The kept desk: realistic shares, and a second run reuses it instead of generating.
    desk = sqlite3.connect(tmp_path / "insights-600.sqlite3")
    rows = dict(desk.execute("SELECT status, count(*) FROM cases_case GROUP BY status").fetchall())
    assert rows.get("resolved", 0) + rows.get("closed", 0) > 450
    assert desk.execute("SELECT count(*) FROM care_promise").fetchone()[0] > 10
    assert desk.execute("SELECT count(*) FROM surveys_survey WHERE score IS NOT NULL").fetchone()[0]
    assert desk.execute("SELECT count(DISTINCT team_id) FROM cases_case").fetchone()[0] > 1
    desk.close()
    again = run_bench(
        "insights.py",
        *("--cases", "600", "--requests", "2", "--reuse", "--only", "supervisor"),
        *("--data-dir", str(tmp_path)),
        out=tmp_path / "again.json",
    )
    assert again["generated"]["cases"] == 600
    assert again["generated"]["made_at"] is not None
    assert list(again["results"]) == ["supervisor"]
