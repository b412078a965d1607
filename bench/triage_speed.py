"""Triage per message, one core: median and p95 with the shipped model and with the rules alone,
plus what loading the model costs (time, memory).

Usage: .venv/bin/python bench/triage_speed.py [--rounds 3]
Messages: the shipped training data (training.shipped_data(), with their histories).
Prints JSON and writes it to bench/results/triage_speed.json, with the machine's load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from rapport.triage import embedding, learned, signals, training
from rapport.triage.records import Request, parse_request

RESULTS = Path(__file__).resolve().parent / "results" / "triage_speed.json"

_LOAD = """
import json, time
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
from rapport.triage import embedding, learned, signals
before = rss()
started = time.perf_counter()
model = learned.load_shipped()
embedding.encoder()
signals.triage("warm up", model=model)
seconds = time.perf_counter() - started
print(json.dumps({"load_s": round(seconds, 3), "rss_mb": round(rss() - before, 1)}))
"""


def requests() -> list[Request]:
    return [
        parse_request(json.loads(line))
        for path in training.shipped_data()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def _summary(times: list[float]) -> dict[str, float]:
    times.sort()
    return {
        "median_ms": round(statistics.median(times) * 1000, 3),
        "p95_ms": round(times[int(len(times) * 0.95)] * 1000, 3),
        "mean_ms": round(statistics.fmean(times) * 1000, 3),
    }


def per_message(batch: list[Request], model: learned.Model, rounds: int) -> dict[str, Any]:
    """Wall-clock and CPU time per message (CPU time is what a loaded machine does not blur)."""
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(rounds):
        for request in batch:
            embedding.read.cache_clear()  # each message read afresh, as when it arrives
            started, started_cpu = time.perf_counter(), time.thread_time()
            signals.triage(
                request.text,
                channel=request.channel,
                history=request.history,
                now=request.now,
                model=model,
            )
            cpu.append(time.thread_time() - started_cpu)
            wall.append(time.perf_counter() - started)
    return {"wall": _summary(wall), "cpu": _summary(cpu)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    batch = requests()
    load_before = os.getloadavg()
    model = learned.load_shipped()
    signals.triage("warm up", model=model)
    # A fresh interpreter (this one) running the constant _LOAD: what loading costs a process.
    loaded = subprocess.run(  # noqa: S603
        [sys.executable, "-c", _LOAD], capture_output=True, text=True, check=True
    )
    encoder = embedding.encoder()
    texts = [request.text for request in batch]
    started = time.perf_counter()
    for text in texts:
        encoder.embed(text)
    result: dict[str, Any] = {
        "messages": len(batch),
        "with_history": sum(bool(request.history) for request in batch),
        "rounds": args.rounds,
        "model": {"name": model.name, "version": model.version},
        "shipped_model": per_message(batch, model, args.rounds),
        "rules_only": per_message(batch, learned.RULES_ONLY, args.rounds),
        "embed_mean_ms": round((time.perf_counter() - started) / len(texts) * 1000, 3),
        "model_load": json.loads(loaded.stdout),
        "model_file_bytes": learned.SHIPPED.stat().st_size,
        # The machine's load (1, 5, 15 min) before and after: on a loaded machine wall time
        # blurs, and CPU time rises too (shared caches).
        "load_average": {
            "before": [round(x, 2) for x in load_before],
            "after": [round(x, 2) for x in os.getloadavg()],
            "cores": os.cpu_count(),
        },
    }
    text = json.dumps(result, indent=2)
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
