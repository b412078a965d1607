"""Server time of every insights page and API endpoint on a year of a large desk (issue 18).

    .venv/bin/python bench/insights.py [--cases 1000000] [--requests 20] [--reuse]
                                       [--db-url postgresql://...] [--out FILE.json]
    .ci/with-postgres .venv/bin/python bench/insights.py --reuse    # PostgreSQL ($DATABASE_URL)

Generates the desk once in the database itself (bench/insights_data.py: ~200 agents in 11 teams,
4 sites, 3 brands, a year of cases with their first inbound message and first reply, triage as it
was stored, calls, promises, surveys, incident outreach), keeps it (SQLite: a file under
var/bench/, PostgreSQL: the database given) and with `--reuse` times it again without generating.
Then times, with Django's test client as a signed-in supervisor (DEBUG off, in-process: no web
server), each page that exists on this checkout: the supervisor page, every
`/supervisor/insights/<question>/` and `/api/v1/insights/<question>`, for the default window
and a full year, warm (two untimed requests first), p50/p95 over `--requests` requests each.
The load average is read before and after each. Prints and writes JSON; exits 1 when a p95 is
over the 300 ms aim.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import views  # noqa: E402
from bench.views import setup_django, signed_in_client  # noqa: E402

AIM_MS = 300.0
# Every question the insights pages answer (HELPERS.md, session 10); those not on this checkout
# answer 404 and are reported as absent.
QUESTIONS = ("time-to-human", "promises", "surveys", "personal-touch", "sentiment", "queue")
API_ONLY = ("saved-replies",)
# Questions also timed for a year filtered by one site and by one agent (the first site's
# first active agent): a supervisor of a clinic group or an airline's station filters by site.
FILTERED = ("time-to-human",)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument(
        "--db-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="default: $DATABASE_URL, else a SQLite file kept under --data-dir",
    )
    parser.add_argument("--data-dir", default=str(ROOT / "var" / "bench"))
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the desk an earlier run generated there (generate it if none finished)",
    )
    parser.add_argument(
        "--rollups",
        action="store_true",
        help="build the figures insights keep per day first (every stale or missing day), timed",
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "insights.json"))
    parser.add_argument("--only", default="", help="comma-separated page names to time")
    return parser.parse_args(argv)


def prepare(args: argparse.Namespace) -> dict[str, Any]:
    """Point Django at the bench database, migrate it, generate the desk unless reused."""
    workdir = Path(args.data_dir)
    workdir.mkdir(parents=True, exist_ok=True)
    if not args.db_url:
        path = workdir / f"insights-{args.cases}.sqlite3"
        if not args.reuse:
            for stale in workdir.glob(f"{path.name}*"):
                stale.unlink()
        args.db_url = f"sqlite:///{path}"
    setup_django(args, workdir)
    import logging

    from django.core.management import call_command

    logging.getLogger("django.request").setLevel(logging.ERROR)  # absent pages answer 404

    from bench import insights_data
    from rapport.cases.models import Case
    from rapport.people.models import Agent

    started = time.perf_counter()
    call_command("migrate", verbosity=0)  # on a kept desk: the indexes added since
    migrate_s = round(time.perf_counter() - started, 1)
    done = insights_data.generated()
    if done is not None and args.reuse:
        print(f"reusing {done['cases']} cases generated {done['made_at']}", flush=True)
        return {
            "supervisor": Agent.objects.get(user__username="boss"),
            "generated": done,
            "migrate_s": migrate_s,
        }
    if Case.objects.exists():
        raise SystemExit(f"{args.db_url} holds cases but no finished bench desk: use an empty one")
    print(f"generating {args.cases} cases", flush=True)
    made = insights_data.generate(cases=args.cases, agents=args.agents)
    return {
        "supervisor": made["supervisor"],
        "generated": {"cases": args.cases, "generation_s": made["generation_s"],
                      "steps": made["steps"]},
        "migrate_s": migrate_s,
    }  # fmt: skip


def pages(
    now: datetime, filters: dict[str, str] | None = None
) -> list[tuple[str, str, dict[str, str]]]:
    """(name, path, query) for every page to time, before knowing which exist; `filters`
    (`site`, `agent`: an id) adds the FILTERED questions' year per filter."""
    today = now.date()
    year = {"since": (today - timedelta(days=365)).isoformat(), "until": today.isoformat()}
    found: list[tuple[str, str, dict[str, str]]] = [("supervisor", "/supervisor/", {})]
    # Every default window first, then every year: on a loaded machine a run cut short still
    # has each page once (the JSON is written after every page).
    for window, query in (("default", {}), ("year", year)):
        for question in QUESTIONS:
            found.append((f"page {question} {window}", f"/supervisor/insights/{question}/", query))
            found.append((f"api {question} {window}", f"/api/v1/insights/{question}", query))
        found.extend(
            (f"api {endpoint} {window}", f"/api/v1/insights/{endpoint}", query)
            for endpoint in API_ONLY
        )
    for name, pk in (filters or {}).items():
        for question in FILTERED:
            query = {**year, name: pk}
            found.append((f"page {question} {name} year", f"/supervisor/insights/{question}/",
                          query))  # fmt: skip
            found.append((f"api {question} {name} year", f"/api/v1/insights/{question}", query))
    return found


def filter_ids() -> dict[str, str]:
    """The first site and its first active agent (none on a desk without sites)."""
    from rapport.people.models import Agent, Site

    site = Site.objects.order_by("pk").first()
    if site is None:
        return {}
    agent = Agent.objects.filter(site=site, user__is_active=True).order_by("pk").first()
    return {"site": str(site.pk), **({"agent": str(agent.pk)} if agent else {})}


def url_of(client: Any, path: str, query: dict[str, str]) -> str | None:
    """The URL that answers 200, or None when the page is not on this checkout (404). An API
    that still takes datetimes for its window (422 to a date) is asked with midnight UTC."""
    url = f"{path}?{urlencode(query)}" if query else path
    status = client.get(url).status_code
    if status == 422 and query:
        as_times = {k: f"{v}T00:00:00+00:00" for k, v in query.items()}
        url = f"{path}?{urlencode(as_times)}"
        status = client.get(url).status_code
    if status == 404:
        return None
    if status != 200:
        raise SystemExit(f"GET {url} answered {status}")
    return url


def first_wait_mismatched() -> int:
    """Cases whose stored wait is not first_response_at - created_at (a wait without an answer,
    or an answer without its wait, included): 0 on a desk the actions and cases/0032 kept."""
    from django.db.models import F

    from rapport.cases.models import Case

    answered = Case.objects.filter(first_response_at__isnull=False)
    wrong = answered.exclude(first_wait=F("first_response_at") - F("created_at")).count()
    return (
        wrong
        + Case.objects.filter(first_response_at__isnull=True, first_wait__isnull=False).count()
    )


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def measure(name: str, requests: int, client: Any, url: str) -> dict[str, Any]:
    """Two warm-up requests, then `requests` timed ones (wall and this process's CPU time),
    with the load average before and after."""
    before = load()
    result = views.measure(name, requests, lambda _: (client, url), warmup=2)
    return {"url": url, **result, "load_average_before": before, "load_average_after": load()}


def kept_now() -> dict[str, Any]:
    """How many days and rows insights keep (rapport/insights/rollups.py)."""
    from rapport.insights.models import (
        ReplyDay,
        ResolvedDay,
        RollupDay,
        SentimentDay,
        UpsetReasonDay,
        WaitDay,
        WaitMonth,
        WaitTotalDay,
    )

    return {
        "days": RollupDay.objects.filter(stale=False).count(),
        "sentiment_rows": SentimentDay.objects.count(),
        "upset_reason_rows": UpsetReasonDay.objects.count(),
        "wait_rows": WaitDay.objects.count(),
        "whole_desk_wait_rows": WaitDay.objects.filter(whole__in=[True]).count(),
        "wait_month_rows": WaitMonth.objects.count(),
        "whole_desk_wait_month_rows": WaitMonth.objects.filter(whole__in=[True]).count(),
        "wait_total_day_rows": WaitTotalDay.objects.count(),
        "reply_rows": ReplyDay.objects.count(),
        "resolved_rows": ResolvedDay.objects.count(),
    }


def build_rollups() -> dict[str, Any]:
    """`rapport rollups` on the desk, timed (wall and CPU), with the load around it."""
    from django.conf import settings
    from django.utils import timezone

    from rapport.insights.rollups import refresh_rollups

    before, wall, cpu = load(), time.perf_counter(), time.process_time()
    done = refresh_rollups(now=timezone.now(), zone=ZoneInfo(settings.TIME_ZONE), limit=None)
    built = {
        "built_days": len(done["built"]),
        "build_s": round(time.perf_counter() - wall, 1),
        "build_cpu_s": round(time.process_time() - cpu, 1),
        "load_average_before": before,
        "load_average_after": load(),
    }
    print(f"rollups: {built}", flush=True)
    return {**built, **kept_now()}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    desk = prepare(args)
    from django.db import connection

    from rapport.cases.models import Case, Message

    counts = {
        "cases": Case.objects.count(),
        "messages": Message.objects.count(),
        "first_wait_mismatched": first_wait_mismatched(),
    }
    print(f"{counts['cases']} cases, {counts['messages']} messages on {connection.vendor}")
    print(f"stored waits not first_response_at - created_at: {counts['first_wait_mismatched']}")
    kept = build_rollups() if args.rollups else None
    client = signed_in_client(desk["supervisor"])
    client.get("/login/")  # builds the middleware chain: not something a server does per request
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    results: dict[str, Any] = {}
    absent: list[str] = []
    load_start = load()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    every = pages(datetime.now(tz=UTC), filter_ids())
    todo = [page for page in every if not only or page[0] in only]
    for done, (name, path, query) in enumerate(todo, start=1):
        url = url_of(client, path, query)
        if url is None:
            absent.append(name)
        else:
            results[name] = measure(name, args.requests, client, url)
        over = sorted(name for name, r in results.items() if r["p95_ms"] > AIM_MS)
        report = {
            "database": connection.vendor,
            **counts,
            "generated": desk["generated"],
            "migrate_s": desk["migrate_s"],
            "rollups": kept or kept_now(),
            "client": "django.test.Client in-process, DEBUG off, a signed-in supervisor",
            "requests": args.requests,
            "cpus": os.cpu_count(),
            "load_average": {"start": load_start, "end": load()},
            "measured_at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
            "complete": done == len(todo),
            "not_yet_timed": [page[0] for page in todo[done:]],
            "results": results,
            "absent": absent,
            "aim": {"p95_ms": AIM_MS},
            "over_aim": over,
            "ok": not over and done == len(todo),
        }
        out.write_text(json.dumps(report, indent=2) + "\n")
    connection.close()
    print(json.dumps({k: report[k] for k in ("database", "cases", "over_aim", "absent")}))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
