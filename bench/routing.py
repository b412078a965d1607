"""Assignment decisions per second on a large desk: 500 agents, 100k open cases.

    .venv/bin/python bench/routing.py [--agents 500] [--open-cases 100000] [--decisions 2000]
                                      [--db-url postgresql://...] [--out bench/results/routing.json]

Builds a throwaway database (a SQLite file in a temporary folder unless --db-url is given),
migrates it and bulk-generates three sites in different time zones, agents with real working
hours (day, late, night and weekend shifts; some away or off, a few on call), skills, teams and
capacities, customers with relationship owners and deputies, open cases spread over the agents
and outbound replies so "last helper" lookups have data. Then times:

1. `core`: the pure `choose_owner` over the prebuilt candidates, varied needs and times;
2. `db_ttl_default` / `db_ttl_0`: `decide(case, now=...)` for new cases of varied customers,
   with the default load cache and with loads counted afresh on every decision;
3. `open_case`: `open_case(..., by=None)` end to end (routing, triage, deadlines, writes).

Every decision is checked against the candidates it was made from: the chosen agent is on shift
and under capacity unless the rule is a documented fallback (on call, next on shift), and those
fallbacks only happen when nobody on shift has room. Prints and writes JSON.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.views import FIRST, LAST, batched, percentile, setup_django  # noqa: E402

SITES = (
    ("Madrid", "Europe/Madrid", "ES", ""),
    ("Toronto", "America/Toronto", "CA", "ON"),
    ("Manila", "Asia/Manila", "PH", ""),
)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
# (weight, working hours) in the agent's own time zone; an end before the start is overnight.
SHIFTS: tuple[tuple[int, dict[str, list[list[str]]]], ...] = (
    (40, {d: [["09:00", "17:00"]] for d in WEEKDAYS}),
    (12, {d: [["07:00", "15:00"]] for d in WEEKDAYS}),
    (12, {d: [["14:00", "22:00"]] for d in WEEKDAYS}),
    (10, {d: [["22:00", "06:00"]] for d in ("sun", *WEEKDAYS[:4])}),  # night shift
    (8, {d: [["10:00", "18:00"]] for d in ("sat", "sun", "mon")}),  # weekends
    (8, {d: [["09:00", "13:00"]] for d in ("mon", "wed", "fri")}),  # part time
    (6, {d: [["08:00", "12:00"], ["16:00", "20:00"]] for d in WEEKDAYS}),  # split shift
)
_SKILLS = (
    "billing", "technical", "shipping", "returns", "spanish", "french", "vet", "dental",
    "vip", "accounts", "hardware", "travel",
)  # fmt: skip
CHANNELS = ("email", "email", "email", "chat", "chat", "phone", "web", "sms", "social")
ACTIVE = ("new", "open", "waiting_customer", "waiting_us")
TEXTS = (
    "Hello, my order arrived damaged, can you help me with a replacement?",
    "I was charged twice for my subscription this month.",
    "Mila is coughing again since last night, should we come in?",
    "The app crashes every time I open the export screen.",
    "I just want to talk to a real person, not a robot! Please call me.",
    "Thank you so much for the quick help yesterday, everything works now.",
    "URGENT: my flight was cancelled and I travel today, what are my options???",
    "Hola, necesito cambiar la dirección de entrega de mi pedido.",
    "This is the third time I write and nobody answers. Unacceptable.",
    "Can I reschedule my appointment to next Tuesday morning?",
)
RULES = (
    "relationship_owner", "deputy", "last_helper", "best_available", "on_call", "next_on_shift",
)  # fmt: skip
FALLBACKS = ("on_call", "next_on_shift")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--open-cases", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=0, help="default: open cases / 2")
    parser.add_argument("--decisions", type=int, default=2000, help="timed database decisions")
    parser.add_argument("--core-decisions", type=int, default=0, help="default: 5 x decisions")
    parser.add_argument("--e2e", type=int, default=500, help="timed open_case calls")
    parser.add_argument("--db-url", default="", help="default: SQLite in a temporary folder")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "routing.json"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--profile", action="store_true", help="cProfile the database decide")
    return parser.parse_args(argv)


# --- generation -------------------------------------------------------------------------------


def generate(args: argparse.Namespace, rng: random.Random) -> dict[str, Any]:
    from django.db import connection

    agents = generate_agents(args, rng)
    customers = args.customers or max(1, args.open_cases // 2)
    generate_customers(customers, agents, rng)
    generate_cases(args.open_cases, customers, agents, rng)
    generate_replies(customers, agents, rng)
    if connection.vendor == "postgresql":
        reset_sequences()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"agents": agents, "customers": customers}


def generate_agents(args: argparse.Namespace, rng: random.Random) -> list[Any]:
    from django.db import transaction

    from rapport.people.actions.agents import create_agent, create_site, create_team
    from rapport.people.models import Agent, Availability

    now = datetime.now(tz=UTC)
    weights = [w for w, _ in SHIFTS]
    with transaction.atomic():
        sites = [
            create_site(name=name, timezone_name=tz, country=country, region=region)
            for name, tz, country, region in SITES
        ]
        agents = []
        for i in range(args.agents):
            site = sites[i % len(sites)]
            hours = rng.choices([h for _, h in SHIFTS], weights)[0]
            agents.append(
                create_agent(
                    username=f"agent{i}",
                    display_name=f"{FIRST[i % len(FIRST)]} {LAST[(i // 3) % len(LAST)]} {i}",
                    password=None,
                    site=site,
                    timezone_name=site.timezone,
                    signature="Bench support",
                    skills=rng.sample(_SKILLS, rng.randint(1, 3)),
                    working_hours=hours,
                    capacity=rng.randint(150, 320),
                )
            )
        for agent in agents:
            roll = rng.random()
            if roll < 0.05:
                agent.availability = Availability.OFF
            elif roll < 0.10:
                agent.availability = Availability.AWAY
                agent.away_until = now + timedelta(days=rng.randint(1, 14))
            elif roll < 0.25:
                agent.availability = Availability.BUSY
            agent.on_call = rng.random() < 0.02
        Agent.objects.bulk_update(agents, ["availability", "away_until", "on_call"])
        team_count = max(1, len(agents) // 50)
        for t in range(team_count):
            create_team(name=f"Team {t}", slug=f"team-{t}", members=agents[t::team_count])
        create_agent(
            username="boss", display_name="Bench Supervisor", password=None, is_supervisor=True
        )
    print(f"agents: {len(agents)} at {len(sites)} sites, {team_count} teams", flush=True)
    return agents


def generate_customers(total: int, agents: list[Any], rng: random.Random) -> None:
    from django.db import transaction

    from rapport.people.models import Customer, Identity

    now = datetime.now(tz=UTC)
    started = time.perf_counter()
    with transaction.atomic():
        for start, size in batched(total, 20_000):
            customers, identities = [], []
            for pk in range(start + 1, start + size + 1):
                owner = deputy = None
                if rng.random() < 0.6:  # most customers have a person who knows them
                    owner = rng.choice(agents)
                    if rng.random() < 0.6:
                        deputy = rng.choice(agents)
                        if deputy.pk == owner.pk:
                            deputy = None
                first, last = rng.choice(FIRST), rng.choice(LAST)
                created = now - timedelta(days=rng.random() * 700)
                customers.append(
                    Customer(
                        pk=pk,
                        name=f"{first} {last}",
                        owner=owner,
                        deputy=deputy,
                        created_at=created,
                        updated_at=created,
                    )
                )
                identities.append(
                    Identity(
                        customer_id=pk,
                        kind="email",
                        value=f"{first}.{last}.{pk}@example.com".lower(),
                        is_primary=True,
                    )
                )
            Customer.objects.bulk_create(customers, batch_size=2000)
            Identity.objects.bulk_create(identities, batch_size=2000)
    print(f"customers: {total} in {time.perf_counter() - started:.0f}s", flush=True)


def generate_cases(total: int, customers: int, agents: list[Any], rng: random.Random) -> None:
    """Open cases over the agents, unevenly (some are swamped, some have room)."""
    from django.db import transaction

    from rapport.cases.models import Case

    now = datetime.now(tz=UTC)
    team_of = {a.pk: a.teams.first() for a in agents}
    # A skewed share per agent: a quarter of them carry twice the load of the rest.
    shares = [2.0 if rng.random() < 0.25 else 1.0 for _ in agents]
    started = time.perf_counter()
    for start, size in batched(total, 10_000):
        cases = []
        for pk in range(start + 1, start + size + 1):
            owner = rng.choices(agents, shares)[0]
            created = now - timedelta(seconds=rng.random() * 14 * 86400)
            cases.append(
                Case(
                    pk=pk,
                    customer_id=rng.randint(1, customers),
                    subject=f"Case {pk}",
                    status=rng.choice(ACTIVE),
                    priority="normal",
                    owner=owner,
                    team=team_of[owner.pk],
                    origin_channel=rng.choice(CHANNELS),
                    tags=rng.sample(_SKILLS, rng.randint(0, 2)),
                    last_message_preview="",
                    created_at=created,
                    updated_at=created,
                    pickup_at=created,
                )
            )
        with transaction.atomic():
            Case.objects.bulk_create(cases, batch_size=2000)
    rate = total / (time.perf_counter() - started)
    print(f"open cases: {total}, {rate:.0f} cases/s", flush=True)


def generate_replies(customers: int, agents: list[Any], rng: random.Random) -> None:
    """Outbound replies on a sample of cases, so a third of customers have a last helper."""
    from django.db import transaction

    from rapport.cases.models import Case, Message

    now = datetime.now(tz=UTC)
    started = time.perf_counter()
    case_rows = list(
        Case.objects.filter(customer_id__lte=customers).values_list("pk", "customer_id")
    )
    picked = rng.sample(case_rows, min(len(case_rows), customers * 2 // 3))
    count = 0
    for start, size in batched(len(picked), 10_000):
        messages: list[Any] = []
        for case_id, customer_id in picked[start : start + size]:
            messages.extend(
                Message(
                    case_id=case_id,
                    customer_id=customer_id,
                    direction="out",
                    channel="email",
                    author=rng.choice(agents),
                    text="Thanks for writing; I've sent the replacement today.",
                    delivery_status="sent",
                    created_at=now - timedelta(seconds=rng.random() * 30 * 86400),
                )
                for _ in range(rng.randint(1, 2))
            )
        with transaction.atomic():
            Message.objects.bulk_create(messages, batch_size=2000)
        count += len(messages)
    print(f"outbound replies: {count} in {time.perf_counter() - started:.0f}s", flush=True)


def reset_sequences() -> None:
    from django.core.management.color import no_style
    from django.db import connection

    from rapport.cases.models import Case, Message
    from rapport.people.models import Customer, Identity

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [Customer, Identity, Case, Message]
        ):
            cursor.execute(sql)


# --- measuring --------------------------------------------------------------------------------


def week_times(rng: random.Random, count: int) -> list[datetime]:
    """Moments spread over a working week and a weekend, every hour of the day."""
    monday = datetime.now(tz=UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    monday -= timedelta(days=monday.weekday())
    return [monday + timedelta(seconds=rng.random() * 7 * 86400) for _ in range(count)]


class Recorder:
    """Wraps `choose_owner` where the service calls it, keeping what each decision saw."""

    def __init__(self) -> None:
        self.seen: list[tuple[Any, Sequence[Any], datetime, Any]] = []
        self.enabled = False

    def install(self) -> None:
        from rapport.routing import core, service

        original = core.choose_owner

        def recording(need: Any, candidates: Sequence[Any], *, now: datetime) -> Any:
            decision = original(need, candidates, now=now)
            if self.enabled:
                self.seen.append((need, candidates, now, decision))
            return decision

        setattr(service, "choose_owner", recording)  # noqa: B010 - patch the name the service calls


def violations(seen: list[tuple[Any, Sequence[Any], datetime, Any]]) -> list[str]:
    """Checked from the raw calendars, independent of any caching inside the router."""
    problems = []
    for need, candidates, now, decision in seen:
        by_id = {c.agent_id: c for c in candidates}
        chosen = by_id.get(decision.agent_id)

        def ready(c: Any, now: datetime = now) -> bool:
            return bool(c.available and c.calendar.is_open(now) and c.open_cases < c.capacity)

        rule = str(decision.rule)
        if chosen is None:
            problems.append(f"{now}: chose unknown agent {decision.agent_id}")
        elif rule in FALLBACKS:
            if any(ready(c) for c in candidates):
                problems.append(f"{now}: {rule} although someone on shift had room")
            if rule == "on_call" and not chosen.on_call:
                problems.append(f"{now}: on_call rule chose {chosen.agent_id}, not on call")
        elif not ready(chosen):
            problems.append(f"{now}: {rule} chose {chosen.agent_id}, off shift or full")
        elif rule == "relationship_owner" and decision.agent_id != need.owner_id:
            problems.append(f"{now}: relationship_owner chose someone else")
        elif rule == "deputy" and decision.agent_id != need.deputy_id:
            problems.append(f"{now}: deputy chose someone else")
        elif rule == "last_helper" and decision.agent_id not in need.last_helper_ids:
            problems.append(f"{now}: last_helper chose someone who never helped")
    return problems


def timed(samples_ms: list[float], fn: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = fn()
    samples_ms.append((time.perf_counter() - started) * 1000)
    return result


def summary(name: str, samples_ms: list[float], seen: list[Any]) -> dict[str, Any]:
    total_s = sum(samples_ms) / 1000
    rules = Counter(str(decision.rule) for *_, decision in seen)
    problems = violations(seen)
    result: dict[str, Any] = {
        "n": len(samples_ms),
        "per_second": round(len(samples_ms) / total_s, 1) if total_s else None,
        "p50_ms": round(statistics.median(samples_ms), 3),
        "p95_ms": round(percentile(samples_ms, 0.95), 3),
        "max_ms": round(max(samples_ms), 3),
        "rules": {rule: rules.get(rule, 0) for rule in RULES},
        "violations": len(problems),
    }
    if problems:
        result["violation_examples"] = list(problems[:5])
    print(
        f"{name:<16} {result['per_second']:>10} /s   p50 {result['p50_ms']:>8.3f} ms   "
        f"p95 {result['p95_ms']:>8.3f} ms   violations {len(problems)}",
        flush=True,
    )
    return result


def sample_customers(rng: random.Random, customers: int, count: int) -> list[Any]:
    from rapport.people.models import Customer

    ids = rng.sample(range(1, customers + 1), min(customers, count))
    return list(Customer.objects.filter(pk__in=ids).order_by("pk"))


def new_case(rng: random.Random, customer: Any, teams: list[int]) -> Any:
    from rapport.cases.models import Case

    # Some arrive through a team's address; all carry a few tags that stand for needed skills.
    return Case(
        customer=customer,
        subject="New case",
        origin_channel=rng.choice(CHANNELS),
        tags=rng.sample(_SKILLS, rng.randint(0, 2)),
        team_id=rng.choice(teams) if teams and rng.random() < 0.3 else None,
    )


def bench_core(args: argparse.Namespace, rng: random.Random, recorder: Recorder) -> Any:
    from rapport.routing.core import Need, choose_owner
    from rapport.routing.service import load_candidates, need_for

    moments = week_times(rng, 24)
    candidates_at = {m: load_candidates(now=m) for m in moments}  # availability depends on now
    customers = sample_customers(rng, args.customers_total, 1000)
    teams = sorted({t for c in next(iter(candidates_at.values())) for t in c.team_ids})
    needs = [need_for(new_case(rng, c, teams)) for c in customers]
    needs.append(Need())  # a brand new customer, nobody knows them
    count = args.core_decisions or args.decisions * 5
    work = [(rng.choice(needs), rng.choice(moments)) for _ in range(count)]
    for need, at in work[:50]:  # warm-up
        choose_owner(need, candidates_at[at], now=at)
    samples: list[float] = []
    seen = []
    for need, at in work:
        candidates = candidates_at[at]
        decision = timed(samples, functools.partial(choose_owner, need, candidates, now=at))
        seen.append((need, candidates, at, decision))
    return summary("core", samples, seen)


def bench_decide(
    args: argparse.Namespace, rng: random.Random, recorder: Recorder, *, ttl: int, name: str
) -> Any:
    from django.conf import settings

    from rapport.people.models import Team
    from rapport.routing.service import decide, loads_cache

    settings.RAPPORT_ROUTING_LOAD_TTL = ttl
    loads_cache.forget()
    teams = list(Team.objects.values_list("pk", flat=True).order_by("pk"))
    customers = sample_customers(rng, args.customers_total, args.decisions)
    moments = week_times(rng, args.decisions)
    work = [(new_case(rng, rng.choice(customers), teams), at) for at in moments]
    for case, at in work[:20]:  # warm-up: calendars built, connection and statements warm
        decide(case, now=at)
    samples: list[float] = []
    recorder.seen, recorder.enabled = [], True
    for case, at in work:
        timed(samples, functools.partial(decide, case, now=at))
    recorder.enabled = False
    return summary(name, samples, recorder.seen)


def bench_open_case(args: argparse.Namespace, rng: random.Random, recorder: Recorder) -> Any:
    from django.conf import settings

    from rapport.routing.actions.opening import open_case
    from rapport.routing.service import loads_cache

    settings.RAPPORT_ROUTING_LOAD_TTL = args.default_ttl
    loads_cache.forget()
    customers = sample_customers(rng, args.customers_total, args.e2e)
    work = [
        (rng.choice(customers), rng.choice(TEXTS), rng.choice(CHANNELS)) for _ in range(args.e2e)
    ]

    def one(customer: Any, text: str, channel: str) -> Any:
        return open_case(customer=customer, subject="", channel=channel, text=text, by=None)

    for customer, text, channel in work[:10]:
        one(customer, text, channel)
    samples: list[float] = []
    recorder.seen, recorder.enabled = [], True
    unowned = 0
    for customer, text, channel in work:
        case = timed(samples, functools.partial(one, customer, text, channel))
        unowned += case.owner_id is None
    recorder.enabled = False
    result = summary("open_case", samples, recorder.seen)
    result["unowned"] = unowned
    result["wall_clock_now"] = datetime.now(tz=UTC).isoformat(timespec="seconds")
    return result


def profile_decide(args: argparse.Namespace, rng: random.Random) -> str:
    import cProfile
    import io
    import pstats

    from django.conf import settings

    from rapport.people.models import Team
    from rapport.routing.service import decide

    settings.RAPPORT_ROUTING_LOAD_TTL = args.default_ttl
    teams = list(Team.objects.values_list("pk", flat=True).order_by("pk"))
    customers = sample_customers(rng, args.customers_total, 200)
    work = [(new_case(rng, rng.choice(customers), teams), at) for at in week_times(rng, 200)]
    profiler = cProfile.Profile()
    profiler.enable()
    for case, at in work:
        decide(case, now=at)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="rapport-bench-") as tmp:
        setup_django(args, Path(tmp))
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        args.default_ttl = settings.RAPPORT_ROUTING_LOAD_TTL
        call_command("migrate", verbosity=0)
        from rapport.cases.models import Case, Message

        if Case.objects.exists():
            raise SystemExit("the database already holds cases; use an empty database")
        started = time.perf_counter()
        world = generate(args, rng)
        generation_s = time.perf_counter() - started
        args.customers_total = world["customers"]
        open_cases = Case.objects.count()
        replies = Message.objects.filter(direction="out").count()
        print(f"{open_cases} open cases, {replies} replies on {connection.vendor}", flush=True)
        recorder = Recorder()
        recorder.install()
        results = {
            "core": bench_core(args, rng, recorder),
            "db_ttl_default": bench_decide(
                args, rng, recorder, ttl=args.default_ttl, name=f"decide ttl={args.default_ttl}s"
            ),
            "db_ttl_0": bench_decide(args, rng, recorder, ttl=0, name="decide ttl=0"),
            "open_case": bench_open_case(args, rng, recorder),
        }
        profile = profile_decide(args, rng) if args.profile else ""
        vendor = connection.vendor
        connection.close()
    report = {
        "agents": len(world["agents"]),
        "sites": len(SITES),
        "customers": world["customers"],
        "open_cases": open_cases,
        "outbound_replies": replies,
        "database": vendor,
        "load_ttl_default_s": args.default_ttl,
        "generation_s": round(generation_s, 1),
        "results": results,
        "violations": sum(r["violations"] for r in results.values()),
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    if profile:
        print(profile)
    return 0 if report["violations"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
