"""bench/chat.py runs end to end on a few customers: every reply is fetched once and in order,
and the JSON holds what bench/README.md says."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.bench.runner import run_bench
from tests.conftest import missing_component

pytestmark = pytest.mark.bench


def test_the_chat_bench_fetches_every_reply_once(tmp_path: Path) -> None:
    if shutil.which("redis-server") is None:
        missing_component("redis-server is not installed (Debian package redis-server)")
    report = run_bench(
        "chat.py",
        *("--customers", "6", "--agents", "2", "--replies", "2", "--think-ms", "100"),
        *("--workers", "2"),
        out=tmp_path / "chat.json",
    )
    results = report["results"]
    assert (report["customers"], report["agents"], report["workers"]) == (6, 2, 2)
    assert results["replies_sent"] == 12 and results["error_count"] == 0, results["errors"]
    assert results["lost"] == 0 and results["duplicates"] == 0
    assert results["conversations_out_of_order"] == 0
    assert results["latency"]["n"] == 12
    assert (
        results["latency"]["p50_ms"] <= results["latency"]["p95_ms"] <= results["latency"]["p99_ms"]
    )
    assert sum(results["fetched_by"].values()) == 12
    assert results["server_rss_mib"]["sockets_open"] > 0
    assert set(results["load_average"]) == {"before", "after"}
    assert report["ok"] == (results["latency"]["p95_ms"] <= report["aims"]["p95_ms"])
