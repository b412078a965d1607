"""Server time of the agent workspace's hot pages on a large generated desk.

    .venv/bin/python bench/views.py [--cases 100000] [--messages-per-case 5]
                                    [--db-url postgresql://...] [--out bench/results/views.json]

Builds a throwaway database (a SQLite file in a temporary folder unless --db-url is given),
migrates it, bulk-generates customers, cases, messages, calls and audit rows, then times real
requests (Django's test client, a signed-in agent, the project's URLs and views) to the inbox
(mine, team, recent), the case page, the customer page and search. Prints and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGETS_MS = {
    "inbox": 50.0,
    "case": 50.0,
    "customer": 50.0,
    "search": 100.0,
    "search_any_way": 100.0,
}


def _words(text: str) -> list[str]:
    return text.split()


FIRST = _words(
    "Maria Tom Jordan Hana Alice Oliver Rosa Marco Jun Emily Ahmed Lucia Ben Ana Priya Dev Elena "
    "Nora Jonas Carlo Grace Sofia Liam Noah Emma Olivia Ava Mia Lucas Mateo Aiko Kenji Yuki Chen "
    "Wei Fatima Omar Leila Ivan Olga Pavel Anna Lars Ingrid Sven Freya Diego Camila Valentina "
    "Thiago Ravi Anika Arjun Zara Kofi Amara Chidi Nia Sean Aoife Niamh Ciaran Pierre Chloe"
)
LAST = _words(
    "Lopez Becker Kim Sato Martin Grant Delgado Bellini Santos Clarke Haddad Navarro Hale Ortiz "
    "Shah Patel Petrova Fitzgerald Weber Reyes Tan Garcia Smith Johnson Brown Jones Miller Davis "
    "Wilson Taylor Anderson Thomas Moore Jackson White Harris Thompson Young King Wright Scott "
    "Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Torres "
    "Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Peterson Cooper Reed Bailey "
    "Kowalski Novak Horvat Nakamura Tanaka Yamamoto Silva Costa Pereira Rossi Russo Ferrari Dubois"
)
WORDS = _words(
    "the order arrived late and the box was damaged please help me with a refund or replacement "
    "my account login fails after the update I tried resetting the password twice still nothing "
    "works can someone call me back this afternoon thanks for the quick reply really appreciate "
    "it invoice payment card charged twice subscription cancel renew upgrade plan shipping "
    "address change delivery tracking number missing package wrong size colour exchange return "
    "label warranty repair broken screen battery charger cable app crash sync error export "
    "report booking flight seat baggage delay cancelled hotel voucher appointment reschedule "
    "dentist vet puppy cough medicine prescription follow up call tomorrow morning evening "
    "urgent pain waiting since yesterday week month again still hello hi dear regards best "
    "wishes kind thank you so much great service friendly team happy disappointed frustrated "
    "angry confused question problem issue glitch bug feature request feedback compliment"
)
SUBJECTS = (
    "Refund for damaged order", "Cannot log in", "Charged twice", "Where is my package",
    "Change delivery address", "Warranty repair", "App crashes on start", "Sync error",
    "Flight cancelled", "Reschedule appointment", "Invoice question", "Upgrade my plan",
    "Wrong size delivered", "Compliment for the team", "Battery not charging", "Export fails",
)  # fmt: skip
SYLLABLES = _words("ka lo mi ren tor vas qui del mon sa ri tu ne zor pel fin gar bu lex ori")
CHANNELS = ("email", "email", "email", "chat", "chat", "phone", "web", "sms", "social")
STATUS_WEIGHTS = {
    "new": 3,
    "open": 5,
    "waiting_customer": 4,
    "waiting_us": 3,
    "resolved": 45,
    "closed": 40,
}
PRIORITY_WEIGHTS = {"urgent": 2, "high": 10, "normal": 75, "low": 13}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--messages-per-case", type=float, default=5.0)
    parser.add_argument(
        "--db-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="default: $DATABASE_URL, else SQLite in a temporary folder",
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "views.json"))
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--agents", type=int, default=30)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --db-url: keep data already generated there instead of generating again",
    )
    return parser.parse_args(argv)


def setup_django(args: argparse.Namespace, workdir: Path) -> str:
    url = args.db_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ["RAPPORT_DATA_DIR"] = str(workdir)
    (workdir / "static").mkdir(exist_ok=True)  # whitenoise warns about a missing STATIC_ROOT
    os.environ["RAPPORT_TESTING"] = "1"
    # Production settings: the cached template loader is on only when DEBUG is off.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "rapport.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # Not setup_test_environment(): its instrumented template rendering (contexts copied for
    # assertions) would be timed too. Only the test client's host is allowed, and no email.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return url


def pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4)))


def sentence(rng: random.Random, rare: list[str]) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 30))
    if rng.random() < 0.5:
        words.insert(rng.randrange(len(words)), rng.choice(rare))
    return " ".join(words).capitalize() + "."


def batched(total: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, total, size):
        yield start, min(size, total - start)


def generate(args: argparse.Namespace, rng: random.Random) -> dict[str, Any]:
    """Bulk-create the desk; returns what the timed requests pick from."""
    from django.db import connection

    from rapport.people.actions.agents import create_agent, create_site, create_team

    sites = [
        create_site(name="Madrid", timezone_name="Europe/Madrid", country="ES"),
        create_site(name="Toronto", timezone_name="America/Toronto", country="CA"),
        create_site(name="Manila", timezone_name="Asia/Manila", country="PH"),
    ]
    agents = []
    for i in range(args.agents):
        site = sites[i % 3]
        agents.append(
            create_agent(
                username=f"agent{i}",
                display_name=f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}",
                password=None,
                site=site,
                timezone_name=site.timezone,
                signature="Bench support",
                working_hours={"mon": [["09:00", "17:00"]]},
            )
        )
    supervisor = create_agent(
        username="boss", display_name="Bench Supervisor", password=None, is_supervisor=True
    )
    team_count = max(1, args.agents // 5)
    teams = [
        create_team(name=f"Team {t}", slug=f"team-{t}", members=list(agents[t::team_count]))
        for t in range(team_count)
    ]
    team_of = {a.pk: teams[i % team_count] for i, a in enumerate(agents)}
    rare = sorted({pseudo_word(rng) for _ in range(5000)})
    customers_total = max(1, args.cases // 3)
    generate_customers(customers_total, agents, rng)
    generate_cases(args, customers_total, agents=agents, team_of=team_of, rare=rare, rng=rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"agents": agents, "supervisor": supervisor, "rare": rare}


def generate_customers(customers_total: int, agents: list[Any], rng: random.Random) -> None:
    from django.db import transaction

    from rapport.people.models import Customer, Identity

    now = datetime.now(tz=UTC)
    span = timedelta(days=730).total_seconds()
    started = time.perf_counter()
    with transaction.atomic():
        for start, size in batched(customers_total, 20_000):
            customers, identities = [], []
            for pk in range(start + 1, start + size + 1):
                first, last = rng.choice(FIRST), rng.choice(LAST)
                owner = rng.choice(agents)
                created = now - timedelta(seconds=rng.random() * span)
                customers.append(
                    Customer(
                        pk=pk,
                        name=f"{first} {last}",
                        owner=owner,
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
                if pk % 2:
                    identities.append(
                        Identity(customer_id=pk, kind="phone", value=f"+1555{pk:07d}")
                    )
            Customer.objects.bulk_create(customers, batch_size=2000)
            Identity.objects.bulk_create(identities, batch_size=2000)
    print(f"customers: {customers_total} in {time.perf_counter() - started:.0f}s", flush=True)


def generate_cases(
    args: argparse.Namespace,
    customers_total: int,
    *,
    agents: list[Any],
    team_of: dict[int, Any],
    rare: list[str],
    rng: random.Random,
) -> None:
    from django.db import connection, transaction

    from rapport.cases.models import Call, Case, CaseEvent, Message
    from rapport.people.models import Customer, Identity

    now = datetime.now(tz=UTC)
    span = timedelta(days=730).total_seconds()
    statuses, status_w = zip(*STATUS_WEIGHTS.items(), strict=True)
    priorities, priority_w = zip(*PRIORITY_WEIGHTS.items(), strict=True)
    message_pk = 0
    call_pk = 0
    started = time.perf_counter()
    for start, size in batched(args.cases, 10_000):
        cases, messages, calls, events = [], [], [], []
        for pk in range(start + 1, start + size + 1):
            customer_id = rng.randint(1, customers_total)
            owner = rng.choice(agents)
            status = rng.choices(statuses, status_w)[0]
            channel = rng.choice(CHANNELS)
            # Open work is recent; finished work spreads over two years.
            age = rng.random() * (span if status in ("resolved", "closed") else 14 * 86400)
            created = now - timedelta(seconds=age)
            updated = created + timedelta(seconds=rng.random() * min(age, 5 * 86400))
            cases.append(
                Case(
                    pk=pk,
                    customer_id=customer_id,
                    subject=f"{rng.choice(SUBJECTS)} {rng.choice(rare)}",
                    status=status,
                    priority=rng.choices(priorities, priority_w)[0],
                    owner=owner,
                    team=team_of[owner.pk],
                    origin_channel=channel,
                    last_message_preview="",
                    created_at=created,
                    updated_at=updated,
                    resolved_at=updated if status in ("resolved", "closed") else None,
                    first_response_at=created + timedelta(minutes=30) if status != "new" else None,
                    first_wait=timedelta(minutes=30) if status != "new" else None,
                )
            )
            events.append(CaseEvent(case_id=pk, actor=owner, kind="opened", created_at=created))
            count = max(1, round(rng.gauss(args.messages_per_case, 1.5)))
            step = (updated - created) / count
            for n in range(count):
                message_pk += 1
                direction = "in" if n % 2 == 0 else ("note" if rng.random() < 0.15 else "out")
                text = " ".join(sentence(rng, rare) for _ in range(rng.randint(1, 3)))
                messages.append(
                    Message(
                        pk=message_pk,
                        case_id=pk,
                        customer_id=customer_id,
                        direction=direction,
                        channel="system" if direction == "note" else channel,
                        author=None if direction == "in" else owner,
                        text=text,
                        delivery_status="received" if direction == "in" else "sent",
                        created_at=created + step * n,
                    )
                )
            cases[-1].last_message_preview = messages[-1].text[:200]
            if rng.random() < 0.12:
                call_pk += 1
                calls.append(
                    Call(
                        pk=call_pk,
                        case_id=pk,
                        customer_id=customer_id,
                        agent=owner,
                        direction="outbound",
                        outcome="reached",
                        duration_seconds=rng.randint(30, 1200),
                        started_at=updated,
                        notes="Talked it through.",
                    )
                )
        with transaction.atomic():
            Case.objects.bulk_create(cases, batch_size=2000)
            Message.objects.bulk_create(messages, batch_size=2000)
            Call.objects.bulk_create(calls, batch_size=2000)
            CaseEvent.objects.bulk_create(events, batch_size=2000)
        done = start + size
        if done % 100_000 == 0 or done == args.cases:
            rate = done / (time.perf_counter() - started)
            print(f"cases: {done} ({message_pk} messages), {rate:.0f} cases/s", flush=True)
    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(
                no_style(), [Customer, Identity, Case, Message, Call, CaseEvent]
            ):
                cursor.execute(sql)


TINY_CASES = 12


def tiny_team_agent() -> Any:
    """An agent alone in a team that holds only the desk's oldest few cases.

    Whatever they look at is rare among everyone's cases: an inbox that walks the whole desk's
    newest-first index and filters would read every case before it filled a page for them.
    """
    from rapport.cases.models import Case
    from rapport.people.actions.agents import create_agent, create_team
    from rapport.people.models import Agent

    agent = Agent.objects.filter(user__username="tiny").first()
    if agent is None:
        agent = create_agent(username="tiny", display_name="Tiny Team", password=None)
        team = create_team(name="Tiny", slug="tiny", members=[agent])
        oldest = list(Case.objects.order_by("updated_at").values_list("pk", flat=True)[:TINY_CASES])
        Case.objects.filter(pk__in=oldest).update(team=team, owner=agent)  # bench data, not a flow
    return agent


def load_existing() -> dict[str, Any]:
    from rapport.people.models import Agent

    agents = list(
        Agent.objects.filter(is_supervisor=False).exclude(user__username="tiny").order_by("pk")
    )
    supervisor = Agent.objects.filter(is_supervisor=True).first()
    return {"agents": agents, "supervisor": supervisor, "rare": []}


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def measure(
    name: str,
    requests: int,
    make_request: Callable[[int], tuple[Any, str]],
    *,
    warmup: int = 10,
) -> dict[str, Any]:
    """Warm up, then time `requests` requests; every one must answer 200."""
    for i in range(min(warmup, requests)):
        client, url = make_request(-1 - i)
        client.get(url)
    samples, cpu = [], []
    for i in range(requests):
        client, url = make_request(i)
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        cpu.append((time.process_time() - started_cpu) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{name}: GET {url} answered {response.status_code}")
        samples.append(elapsed)
    result = {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 0.95), 2),
        "max_ms": round(max(samples), 2),
        # CPU time of this process (the SQLite queries run in it): steadier than wall time on
        # a machine others share.
        "cpu_p50_ms": round(statistics.median(cpu), 2),
        "cpu_p95_ms": round(percentile(cpu, 0.95), 2),
        "n": len(samples),
    }
    print(
        f"{name:<14} p50 {result['p50_ms']:>8.2f} ms   p95 {result['p95_ms']:>8.2f} ms"
        f"   cpu p50 {result['cpu_p50_ms']:>7.2f} ms   p95 {result['cpu_p95_ms']:>7.2f} ms"
    )
    return result


def measure_inbox(
    args: argparse.Namespace, world: dict[str, Any], client_for: Callable[[Any], Any]
) -> dict[str, Any]:
    """Mine, team and recent for every agent in turn, and for an agent of a tiny team."""
    agents = world["agents"]
    views = ("mine", "team", "recent")
    results: dict[str, Any] = {}

    def inbox(view: str) -> Callable[[int], tuple[Any, str]]:
        return lambda i: (client_for(agents[i % len(agents)]), f"/?view={view}")

    for view in views:
        results[f"inbox_{view}"] = measure(f"inbox {view}", args.requests, inbox(view))

    # The inbox's other orders (rapport/cases/queue.py) sort what the team view holds.
    def team_in(sort: str) -> Callable[[int], tuple[Any, str]]:
        return lambda i: (client_for(agents[i % len(agents)]), f"/?view=team&sort={sort}")

    for sort in ("priority", "due", "waiting"):
        results[f"inbox_team_{sort}"] = measure(f"team {sort}", args.requests, team_in(sort))
    tiny = world["tiny"]
    results["inbox_tiny_team"] = measure(
        "inbox tiny",
        args.requests,
        lambda i: (client_for(tiny), "/?view=recent" if i % 2 else "/?view=team"),
    )
    inbox_p = [results[f"inbox_{view}"] for view in (*views, "tiny_team")]
    results["inbox"] = {
        "p50_ms": max(r["p50_ms"] for r in inbox_p),
        "p95_ms": max(r["p95_ms"] for r in inbox_p),
        "n": sum(r["n"] for r in inbox_p),
        "note": "worst of mine/team/recent/tiny_team",
    }
    return results


def measure_search_any_way(
    args: argparse.Namespace,
    world: dict[str, Any],
    client_for: Callable[[Any], Any],
    customer_ids: list[int],
    rng: random.Random,
) -> dict[str, Any]:
    """What issue 14 added: a phone typed as at home or by its last digits (a run of the stored
    E.164 number, through the trigram index), and words of call notes."""
    from urllib.parse import urlencode

    from rapport.people.models import Identity

    phones = list(
        Identity.objects.filter(customer_id__in=customer_ids, kind="phone")
        .values_list("value", flat=True)
        .order_by("pk")
    )
    typed: list[str] = []
    for i in range(args.requests + 10):
        digits = rng.choice(phones)[2:] if phones else "5550001234"
        if i % 3 == 0:
            typed.append(f"({digits[:3]}) {digits[3:6]}-{digits[6:]}")
        elif i % 3 == 1:
            typed.append(f"{digits[3:6]} {digits[6:]}")
        else:
            typed.append("talked through")
    agents, supervisor = world["agents"], world["supervisor"]

    def search(i: int) -> tuple[Any, str]:
        agent = supervisor if i % 2 else agents[i % len(agents)]
        return client_for(agent), "/?" + urlencode({"view": "recent", "q": typed[i % len(typed)]})

    return measure("search, phones typed and call notes", args.requests, search)


def signed_in_client(agent: Any) -> Any:
    """A test client signed in as `agent`; a supervisor's session also verified with a second
    factor, without which their pages redirect to the 2FA step."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(agent.user)
    if agent.is_supervisor:
        device = TOTPDevice.objects.get_or_create(
            user=agent.user, name="bench", defaults={"confirmed": True}
        )[0]
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def run_requests(args: argparse.Namespace, world: dict[str, Any], rng: random.Random) -> Any:
    from django.db.models import Max
    from django.test import Client

    from rapport.cases.models import Case
    from rapport.people.models import Identity

    clients: dict[int, Client] = {}

    def client_for(agent: Any) -> Client:
        if agent.pk not in clients:
            client = signed_in_client(agent)
            # A client builds its middleware chain (WhiteNoise scans the static files) on its
            # first request: not something a running server does per request, so not timed.
            client.get("/login/")
            clients[agent.pk] = client
        return clients[agent.pk]

    agents = world["agents"]
    max_case = Case.objects.aggregate(m=Max("pk"))["m"] or 1
    # Random cases with their owners; each page is opened by the agent who owns the case.
    sample_ids = [rng.randint(1, max_case) for _ in range(args.requests + 20)]
    owned = dict(
        Case.objects.filter(pk__in=sample_ids).values_list("pk", "owner_id").order_by("pk")
    )
    customer_of = dict(
        Case.objects.filter(pk__in=sample_ids).values_list("pk", "customer_id").order_by("pk")
    )
    by_pk = {a.pk: a for a in agents}
    picks = [pk for pk in sample_ids if owned.get(pk) in by_pk]
    if not picks:
        raise SystemExit("no cases to open: generate data first")

    def pick(i: int) -> int:
        return picks[i % len(picks)]

    results = measure_inbox(args, world, client_for)
    results["case"] = measure(
        "case page",
        args.requests,
        lambda i: (client_for(by_pk[owned[pick(i)]]), f"/cases/{pick(i)}/"),
    )
    results["customer"] = measure(
        "customer page",
        args.requests,
        lambda i: (client_for(by_pk[owned[pick(i)]]), f"/customers/{customer_of[pick(i)]}/"),
    )

    emails = list(
        Identity.objects.filter(customer_id__in=list(customer_of.values()), kind="email")
        .values_list("value", flat=True)
        .order_by("pk")
    )
    rare = world["rare"] or ["toriren"]
    queries: list[str] = []
    for i in range(args.requests + 10):
        kind = i % 6
        if kind == 0:
            queries.append(rng.choice(rare))  # a rare word in subjects and messages
        elif kind == 1:
            queries.append(f"{rng.choice(WORDS)} {rng.choice(WORDS)}")  # common words
        elif kind == 2:
            queries.append(f"{rng.choice(FIRST)} {rng.choice(LAST)[:4]}")  # name, prefix
        elif kind == 3:
            queries.append(rng.choice(emails) if emails else "maria")  # an exact email
        elif kind == 4:
            queries.append(rng.choice(rare)[:5])  # a prefix as typed
        else:
            queries.append(rng.choice(SUBJECTS).split()[-1])  # a subject word
    supervisor = world["supervisor"]

    def search(i: int) -> tuple[Any, str]:
        from urllib.parse import urlencode

        query = queries[i % len(queries)]
        agent = supervisor if i % 2 else agents[i % len(agents)]
        return client_for(agent), "/?" + urlencode({"view": "recent", "q": query})

    results["search"] = measure("search", args.requests, search)

    results["search_any_way"] = measure_search_any_way(
        args, world, client_for, list(customer_of.values()), rng
    )
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="rapport-bench-") as tmp:
        url = setup_django(args, Path(tmp))
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        from rapport.cases.models import Case, Message

        existing = Case.objects.count()
        if existing and not args.reuse:
            raise SystemExit(f"{url} already holds {existing} cases; use an empty database")
        started = time.perf_counter()
        world = load_existing() if existing else generate(args, rng)
        world["tiny"] = tiny_team_agent()
        generation_s = time.perf_counter() - started
        cases, messages = Case.objects.count(), Message.objects.count()
        print(f"{cases} cases, {messages} messages on {connection.vendor}", flush=True)
        results = run_requests(args, world, rng)
        connection.close()
    measured = ("inbox", "case", "customer", "search", "search_any_way")
    report = {
        "cases": cases,
        "messages": messages,
        "database": connection.vendor,
        "generation_s": round(generation_s, 1),
        "results": results,
        "targets": {name: {"p95_ms": TARGETS_MS[name]} for name in measured},
        "ok": all(results[name]["p95_ms"] < TARGETS_MS[name] for name in measured),
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
