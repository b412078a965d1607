"""Incident outreach at scale: hand a cancelled flight's passengers to a care team, then read
the board.

    .venv/bin/python bench/outreach.py [--passengers 5000] [--agents 60] [--capacity 100]
        [--db-url postgresql://...] [--out bench/results/outreach.json]

Builds a throwaway database (a SQLite file in a temporary folder unless --db-url is given),
migrates it, bulk-generates passengers (email and phone, a booking on flight AU 482, one in ten
travelling today, a third owned by an agent), then times `add_audience` by flight number (select,
rules, assignment within capacity, one case, briefing note and audit row per passenger), the
progress board, and checks that nobody is over capacity while there is room. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passengers", type=int, default=5000)
    parser.add_argument("--agents", type=int, default=60)
    parser.add_argument("--capacity", type=int, default=100)
    parser.add_argument("--db-url", default="")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "outreach.json"))
    return parser.parse_args(argv)


def setup_django(args: argparse.Namespace, workdir: Path) -> str:
    url = args.db_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ["RAPPORT_DATA_DIR"] = str(workdir)
    os.environ["RAPPORT_TESTING"] = "1"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "rapport.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url.split(":", 1)[0]


def generate(args: argparse.Namespace, rng: random.Random) -> tuple[Any, Any]:
    from django.contrib.auth import get_user_model

    from rapport.people.models import Agent, Asset, Customer, Identity, Team

    team = Team.objects.create(name="Care", slug="care")
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"agent{i}") for i in range(args.agents)
    )
    agents = Agent.objects.bulk_create(
        Agent(user=user, display_name=f"Agent {i}", capacity=args.capacity)
        for i, user in enumerate(users)
    )
    team.members.add(*agents)
    supervisor_user = get_user_model().objects.create(username="boss")
    supervisor = Agent.objects.create(user=supervisor_user, display_name="Boss", is_supervisor=True)
    today = datetime.now(UTC).date().isoformat()
    customers = Customer.objects.bulk_create(
        Customer(
            name=f"Passenger {i}",
            owner=agents[rng.randrange(args.agents)] if i % 3 == 0 else None,
        )
        for i in range(args.passengers)
    )
    Identity.objects.bulk_create(
        Identity(customer=c, kind=kind, value=value)
        for i, c in enumerate(customers)
        for kind, value in (("email", f"p{i}@example.com"), ("phone", f"+3460{i:07d}"))
    )
    Asset.objects.bulk_create(
        Asset(
            customer=c,
            name="Booking AU 482",
            kind="booking",
            reference=f"AU482-{i}",
            attributes={"flight": "AU 482", **({"departure_date": today} if i % 10 == 0 else {})},
        )
        for i, c in enumerate(customers)
    )
    return team, supervisor


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    rng = random.Random(482)
    with tempfile.TemporaryDirectory() as tmp:
        vendor = setup_django(args, Path(tmp))
        team, supervisor = generate(args, rng)
        from django.db.models import Count

        from rapport.cases.models import ACTIVE_STATUSES, Case
        from rapport.outreach.actions.incidents import create_incident
        from rapport.outreach.actions.tasks import add_audience
        from rapport.outreach.selectors import board

        incident = create_incident(title="Flight AU 482 cancelled", team=team, by=supervisor)
        started = time.perf_counter()
        result = add_audience(incident=incident, asset_reference="AU 482", by=supervisor)
        assign_s = time.perf_counter() - started
        timings = []
        for _ in range(20):
            t0 = time.perf_counter()
            counts = board(incident)
            timings.append((time.perf_counter() - t0) * 1000)
        loads = dict(
            Case.objects.filter(status__in=ACTIVE_STATUSES)
            .values_list("owner_id")
            .annotate(n=Count("id"))
            .values_list("owner_id", "n")
        )
        room = args.agents * args.capacity
        report = {
            "database": vendor,
            "passengers": args.passengers,
            "agents": args.agents,
            "capacity": args.capacity,
            "added": result.added,
            "over_capacity": result.over_capacity,
            "expected_over_capacity": max(args.passengers - room, 0),
            "max_load": max(loads.values()),
            "min_load": min(loads.values()),
            "add_audience_seconds": round(assign_s, 2),
            "per_passenger_ms": round(1000 * assign_s / max(result.added, 1), 3),
            "board_ms_median": round(sorted(timings)[len(timings) // 2], 2),
            "first_tier_open": counts.first_tier_open,
        }
    out = json.dumps(report, indent=2)
    print(out)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(out + "\n")
    return report


if __name__ == "__main__":
    main()
