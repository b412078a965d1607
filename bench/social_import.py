"""`rapport social-import` of a big export on SQLite: how long it holds the desk's write lock.

    .venv/bin/python bench/social_import.py [--n 10000] [--out bench/results/social-import.json]

A throwaway desk (SQLite in a temporary folder, the desk's own settings: WAL, IMMEDIATE
transactions, busy_timeout 10 s), five agents in one team, and an export of `--n` posts (JSONL;
a third of them answers to an earlier post of the same author, a fifth reviews with stars). The
import runs as the command does (every row checked, then taken in) while a second process, an
agent's stand-in, asks for the write lock every 50 ms (`BEGIN IMMEDIATE; COMMIT`) and records how
long each wait was. An agent's reply fails ("database is locked") when its wait passes the
desk's busy_timeout (10 s): those are counted. Prints and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.views import percentile, setup_django  # noqa: E402

BUSY_TIMEOUT_S = 10.0  # the desk's PRAGMA busy_timeout (rapport/settings.py)
PROBE_EVERY_S = 0.05


def export(n: int, rng: random.Random) -> list[dict[str, Any]]:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    authors = max(1, n // 3)
    rows: list[dict[str, Any]] = []
    last_of: dict[int, str] = {}
    for i in range(n):
        author = rng.randrange(authors)
        review = rng.random() < 0.2
        answers = last_of.get(author, "") if not review and rng.random() < 0.5 else ""
        post_id = f"p{i}"
        rows.append(
            {
                "platform": "trustpilot" if review else "bluesky",
                "post_id": post_id,
                "author_handle": f"@customer{author}.example",
                "author_name": f"Customer {author}",
                "text": rng.choice(
                    [
                        "Two weeks waiting for my refund, nobody answers.",
                        "Lovely staff at the night clinic, thank you!",
                        "The app lost my booking again. Urgent: my dog needs his meds.",
                        "Still no answer to my email from Monday.",
                    ]
                ),
                "url": f"https://example.invalid/post/{post_id}",
                "posted_at": (start + timedelta(minutes=3 * i)).isoformat(),
                "in_reply_to": answers,
                "rating": rng.randint(1, 5) if review else None,
            }
        )
        if not review:
            last_of[author] = post_id
    return rows


def probe(database: str, stop: Any, waits: Any) -> None:
    """An agent's stand-in: the write lock asked for every 50 ms; each wait recorded (seconds)."""
    connection = sqlite3.connect(database, timeout=600, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    while not stop.is_set():
        asked = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("COMMIT")
        waits.append(time.perf_counter() - asked)
        time.sleep(PROBE_EVERY_S)
    connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="rapport-social-import-"))
    setup_django(argparse.Namespace(db_url=None), workdir)
    from django.core.management import call_command

    from rapport.people.actions.agents import create_agent, create_team
    from rapport.social.actions.imports import import_posts
    from rapport.social.imports import read_posts

    call_command("migrate", verbosity=0)
    agents = [
        create_agent(username=f"agent{i}", display_name=f"Agent {i}", password=None)
        for i in range(5)
    ]
    create_team(name="Clinic", slug="clinic", members=agents)
    path = workdir / "posts.jsonl"
    path.write_text(
        "\n".join(json.dumps(row) for row in export(args.n, random.Random(args.seed))) + "\n",
        encoding="utf-8",
    )

    manager = multiprocessing.Manager()
    waits, stop = manager.list(), manager.Event()
    prober = multiprocessing.Process(
        target=probe, args=(str(workdir / "bench.sqlite3"), stop, waits)
    )
    prober.start()
    time.sleep(0.5)
    started = time.perf_counter()
    read = read_posts(path.read_bytes(), fmt="jsonl")
    checked_s = time.perf_counter() - started
    if read.bad:
        raise SystemExit(f"the generated export has bad rows: {read.bad[:3]}")
    counts = import_posts(posts=read.posts)
    total_s = time.perf_counter() - started
    time.sleep(0.5)
    stop.set()
    prober.join()
    samples = list(waits)
    result = {
        "posts": args.n,
        "database": "SQLite (WAL, synchronous=FULL, IMMEDIATE), empty desk, 5 agents",
        "check_s": round(checked_s, 2),
        "import_s": round(total_s, 2),
        "posts_per_s": round(args.n / (total_s - checked_s), 1),
        "outcomes": dict(counts),
        "probe_asks": len(samples),
        "probe_wait_max_s": round(max(samples), 3),
        "probe_wait_p99_s": round(percentile(samples, 0.99), 3),
        "probe_wait_p50_s": round(percentile(samples, 0.5), 4),
        "probe_waits_over_busy_timeout": sum(1 for s in samples if s > BUSY_TIMEOUT_S),
    }
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
