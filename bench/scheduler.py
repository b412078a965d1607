"""How long the scheduler's care sweeps take with a million scheduled promises.

    .venv/bin/python bench/scheduler.py [--promises 1000000] [--due 500]
        [--db-url postgresql://...] [--out bench/results/scheduler.json]

Builds a throwaway database (a SQLite file in a temporary folder unless --db-url is given),
migrates it and bulk-creates `--promises` promises: almost all open and due over the next two
months, some kept in the past, and `--due` that have come due (half of them also past their
grace, so they will be escalated). It then times, with the real sweep functions:

- the idle sweep (nothing due: what every worker pays every RAPPORT_SWEEP_SECONDS),
- the due-item queries alone, with their query plans (they must use the partial/compound index),
- one sweep that acts on everything due (reminders, then escalations), and items per second.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--promises", type=int, default=1_000_000)
    parser.add_argument(
        "--due", type=int, default=500, help="promises come due (one sweep batch is 500)"
    )
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--db-url", default="", help="default: SQLite in a temporary folder")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "scheduler.json"))
    parser.add_argument("--repeat", type=int, default=30, help="timed idle sweeps")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def setup_django(args: argparse.Namespace, workdir: Path) -> str:
    url = args.db_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ["RAPPORT_DATA_DIR"] = str(workdir)
    (workdir / "static").mkdir(exist_ok=True)
    os.environ["RAPPORT_TESTING"] = "1"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "rapport.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return url.split(":", 1)[0]


def generate(args: argparse.Namespace, now: datetime, rng: random.Random) -> dict[str, Any]:
    from rapport.care.actions.promises import GRACE
    from rapport.care.models import Promise, PromiseKind, PromiseStatus
    from rapport.cases.models import Case
    from rapport.people.actions.agents import create_agent
    from rapport.people.models import Agent, Customer

    agents = [
        create_agent(username=f"agent{i}", display_name=f"Agent {i}", password=None)
        for i in range(30)
    ]
    create_agent(username="boss", display_name="Boss", password=None, is_supervisor=True)
    customers = Customer.objects.bulk_create(
        [
            Customer(name=f"Customer {i}", timezone="Europe/Madrid", deputy=rng.choice(agents))
            for i in range(args.cases)
        ],
        batch_size=2000,
    )
    cases = Case.objects.bulk_create(
        [
            Case(customer=c, subject=f"Visit {i}", origin_channel="phone", status="resolved")
            for i, c in enumerate(customers)
        ],
        batch_size=2000,
    )
    # Follow-ups and callbacks (appointments and referrals need their detail rows).
    kinds = [PromiseKind.FOLLOW_UP] * 2 + [PromiseKind.CALLBACK]
    agent_ids = [a.pk for a in Agent.objects.all()]
    started = time.perf_counter()
    kept = args.promises // 10
    batch: list[Promise] = []
    made = 0

    def flush() -> None:
        nonlocal batch, made
        Promise.objects.bulk_create(batch, batch_size=5000)
        made += len(batch)
        batch = []

    for i in range(args.promises):
        case = cases[i % len(cases)]
        kind = kinds[i % len(kinds)]
        if i < args.due:
            # Came due within the last hour; the first half is also past its grace.
            due = now - timedelta(minutes=rng.randint(1, 60))
            if i < args.due // 2:
                due = now - GRACE[kind] - timedelta(minutes=rng.randint(1, 60))
            status, reminded = PromiseStatus.OPEN, None
        elif i < args.due + kept:
            due = now - timedelta(minutes=rng.randint(61, 60 * 24 * 60))
            status, reminded = PromiseStatus.KEPT, due
        else:
            due = now + timedelta(minutes=rng.randint(61, 60 * 24 * 60))
            status, reminded = PromiseStatus.OPEN, None
        batch.append(
            Promise(
                kind=kind,
                customer_id=case.customer_id,
                case_id=case.pk,
                owner_id=agent_ids[i % len(agent_ids)],
                due_at=due,
                timezone="Europe/Madrid",
                purpose="Check in",
                status=status,
                remind_at=due,
                reminded_at=reminded,
                miss_at=due + GRACE[kind],
                created_at=now,
                updated_at=now,
            )
        )
        if len(batch) >= 20_000:
            flush()
    flush()
    return {"promises": made, "generate_seconds": round(time.perf_counter() - started, 1)}


def query_plans(now: datetime) -> dict[str, list[str]]:
    from django.db import connection

    from rapport.care.models import Promise, PromiseStatus

    queries = {
        "reminders": Promise.objects.filter(status=PromiseStatus.OPEN, reminded_at__isnull=True)
        .filter(remind_at__lte=now)
        .order_by("remind_at")
        .values_list("pk", flat=True)[:500],
        "escalation": Promise.objects.filter(status=PromiseStatus.OPEN, miss_at__lte=now)
        .order_by("miss_at")
        .values_list("pk", flat=True)[:500],
    }
    plans = {}
    for name, qs in queries.items():
        sql, params = qs.query.sql_with_params()
        explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        with connection.cursor() as cursor:
            cursor.execute(explain + sql, params)
            plans[name] = [" ".join(str(col) for col in row) for row in cursor.fetchall()]
    return plans


def timed(fn: Any, repeat: int) -> dict[str, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p90_ms": round(samples[int(len(samples) * 0.9) - 1], 2),
        "max_ms": round(samples[-1], 2),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="rapport-bench-") as tmp:
        vendor = setup_django(args, Path(tmp))
        from django.core.management import call_command
        from django.db import connection

        from rapport.care.sweeps import escalate_missed, remind_due
        from rapport.jobs.scheduler import run_sweeps

        call_command("migrate", verbosity=0)
        now = datetime.now(UTC).replace(microsecond=0)
        data = generate(args, now, rng)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE care_promise")
        plans = query_plans(now)
        earlier = now - timedelta(days=400)  # nothing is due yet: the idle sweep
        idle = timed(lambda: (remind_due(now=earlier), escalate_missed(now=earlier)), args.repeat)
        find = timed(lambda: query_plans_ids(now), args.repeat)
        started = time.perf_counter()
        acted = run_sweeps(now=now)
        act_seconds = time.perf_counter() - started
        reminded = len(acted["promise_reminders"]["reminded"])
        reminded += len(acted["promise_reminders"]["appointments"])
        missed = len(acted["promise_escalation"]["missed"])
        again = run_sweeps(now=now)
        result = {
            "database": vendor,
            "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
            **data,
            "due": args.due,
            "idle_sweep": idle,
            "find_due_ids": find,
            "acting_sweep": {
                "reminded": reminded,
                "escalated": missed,
                "seconds": round(act_seconds, 2),
                "items_per_second": round((reminded + missed) / act_seconds, 1),
            },
            "second_sweep_acted": sum(
                len(ids)
                for name in ("promise_reminders", "promise_escalation")
                for ids in again[name].values()
            ),
            "plans": plans,
        }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return result


def query_plans_ids(now: datetime) -> tuple[list[int], list[int]]:
    from rapport.care.models import Promise, PromiseStatus

    reminders = list(
        Promise.objects.filter(status=PromiseStatus.OPEN, reminded_at__isnull=True)
        .filter(remind_at__lte=now)
        .order_by("remind_at")
        .values_list("pk", flat=True)[:500]
    )
    overdue = list(
        Promise.objects.filter(status=PromiseStatus.OPEN, miss_at__lte=now)
        .order_by("miss_at")
        .values_list("pk", flat=True)[:500]
    )
    return reminders, overdue


if __name__ == "__main__":
    main()
