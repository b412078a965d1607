"""Live chat under load: N customers and M agents on loopback against `rapport serve` with Redis.

What it does (docs in bench/README.md):

1. A throwaway desk (SQLite in a temporary folder, or the empty database of `--db-url`): one
   business, one team, M agents (each may hold every chat it is routed) with an API token each.
2. A redis-server on a free loopback port (or `--redis-url`) and `rapport serve --workers W`
   against both, as production runs it.
3. N customers, as the widget's script does: each opens a conversation over the widget's HTTP
   API (`POST /chat/api/conversations`, keeping its visitor cookie), then holds the websocket
   `/chat/ws/TOKEN/` open. On every nudge, when the socket connects and by a safety poll (every
   20 s, chat.js's), the client fetches `GET .../messages?after=CURSOR` and reports what it
   showed (`POST .../seen`), as chat.js does.
4. The M agents answer the conversations routed to them, one reply at a time each with a pause
   between (`--think-ms`, jittered), through `POST /api/v1/cases/{id}/replies` with
   `"channel": "chat"` and their API token.
5. Latency of each reply: from just before the agent's request to the moment the customer's
   client has fetched the line (the fetch that brought it has returned). Lost: a reply never
   fetched within `--grace` seconds after the last one was sent; every reply must also be
   fetched exactly once and in the order sent. Memory: the server's resident memory (every
   process of `rapport serve`) with the N sockets open, less before they opened, over N.

    .venv/bin/python bench/chat.py                    # 200 customers, 20 agents, 2 workers
    .venv/bin/python bench/chat.py --customers 1000 --out bench/results/chat-1000.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parents[1]
AIMS = {"p95_ms": 150.0, "lost": 0}
MARKER = re.compile(r"\[bench (\d+):(\d+)\]")
OPEN_AT_ONCE = 20  # conversations and sockets opened concurrently while setting up
# Nothing the bench does should be refused by the public endpoints' limits (one loopback address).
UNLIMITED = dict.fromkeys(
    (
        "RAPPORT_RATE_ANONYMOUS",
        "RAPPORT_RATE_CHAT_START",
        "RAPPORT_RATE_CHAT_POST",
        "RAPPORT_RATE_CHAT_CONVERSATION",
    ),
    "1000000/m",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start") from None
            time.sleep(0.1)


def percentiles(samples: list[float]) -> dict[str, Any]:
    """Nearest-rank percentiles in milliseconds."""
    if not samples:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    ordered = sorted(samples)

    def rank(q: float) -> float:
        return round(ordered[max(0, math.ceil(q * len(ordered)) - 1)] * 1000, 1)

    return {
        "n": len(ordered),
        "p50_ms": rank(0.50),
        "p95_ms": rank(0.95),
        "p99_ms": rank(0.99),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (uvicorn's worker processes)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def rss_kib(pid: int) -> int:
    total = 0
    for member in process_tree(pid):
        try:
            lines = Path(f"/proc/{member}/status").read_text().splitlines()
        except OSError:
            continue
        total += next((int(ln.split()[1]) for ln in lines if ln.startswith("VmRSS:")), 0)
    return total


def cpu_seconds(pid: int) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


class Http:
    """One kept-alive HTTP/1.1 connection, as a browser tab holds one (reopened when idle: the
    server closes idle connections after 5 s)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = 0.0
        self.cookies: dict[str, str] = {}

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        if self.writer is None or time.monotonic() - self.used > 3:
            await self.close()
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        if self.reader is None or self.writer is None:
            raise RuntimeError("no connection")
        payload = b"" if body is None else json.dumps(body).encode()
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if body is not None:
            lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
        try:
            self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
            status, fields, raw = await self._response(self.reader)
        except (asyncio.IncompleteReadError, ConnectionError):
            await self.close()  # the server dropped the connection: no answer (status 0)
            return 0, "connection dropped"
        if fields.get("connection") == "close":
            await self.close()
        self.used = time.monotonic()
        try:
            return status, (json.loads(raw) if raw else None)
        except ValueError:  # an error page
            return status, raw.decode("utf-8", "replace")[:300]

    async def _response(self, reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        fields: dict[str, str] = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookie = value.partition(";")[0]
                key, _, val = cookie.partition("=")
                self.cookies[key.strip()] = val.strip()
            fields[name] = value
        raw = b""
        if "content-length" in fields:
            raw = await reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding") == "chunked":
            while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
                raw += await reader.readexactly(size)
                await reader.readexactly(2)
            await reader.readuntil(b"\r\n")
        return int(head[0].split()[1]), fields, raw


@dataclass
class Seen:
    at: float
    how: str  # what made the client fetch: nudge, connect, poll


@dataclass
class Customer:
    index: int
    port: int
    http: Http = field(init=False)
    token: str = ""
    case_id: int = 0
    cursor: int = 0
    lines: list[tuple[int, str]] = field(default_factory=list)  # (seq, marker) of agent lines
    arrived: dict[str, Seen] = field(default_factory=dict)
    duplicates: int = 0
    start_refusals: list[int] = field(default_factory=list)  # statuses before a start was taken
    errors: list[str] = field(default_factory=list)
    nudges: int = 0
    nudged: dict[int, float] = field(default_factory=dict)  # seq: when its nudge came
    socket: ClientConnection | None = None
    busy: asyncio.Lock = field(default_factory=asyncio.Lock)
    pending: str = ""  # a fetch was asked for while one ran: run again for it

    def __post_init__(self) -> None:
        self.http = Http(self.port)

    async def start(self) -> None:
        """As the widget does: a refused start is sent again with the same client id."""
        first = {
            "text": f"Hello, this is bench customer {self.index}.",
            "name": f"Bench {self.index}",
            "client_id": f"bench-{self.index}",
        }
        for _ in range(5):
            status, body = await self.http.request("POST", "/chat/api/conversations", first)
            if status == 201:
                break
            self.start_refusals.append(status)
            await asyncio.sleep(1)
        else:
            raise RuntimeError(f"starting a conversation answered {status}: {body}")
        self.token, self.case_id, self.cursor = body["conversation"], body["case_id"], body["seq"]

    async def open_socket(self) -> None:
        cookie = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        self.socket = await connect(
            f"ws://127.0.0.1:{self.port}/chat/ws/{self.token}/",
            additional_headers={"Cookie": cookie},
            open_timeout=60,
            ping_interval=None,  # a bench of 1,000 sockets should not time out on a busy machine
        )

    async def listen(self) -> None:
        if self.socket is None:
            raise RuntimeError("open_socket first")
        await self.fetch("connect")
        async for frame in self.socket:
            event = json.loads(frame)
            if event.get("type") == "new":
                self.nudges += 1
                self.nudged.setdefault(int(event["seq"]), time.perf_counter())
                await self.fetch("nudge")

    async def poll(self, every: float, rng: random.Random) -> None:
        await asyncio.sleep(every * rng.random())  # not every client at once
        while True:
            await self.fetch("poll")
            await asyncio.sleep(every)

    async def fetch(self, how: str) -> None:
        if self.busy.locked():
            self.pending = self.pending or how
            return
        async with self.busy:
            while True:
                await self._fetch_once(how)
                if not self.pending:
                    return
                how, self.pending = self.pending, ""

    async def _fetch_once(self, how: str) -> None:
        path = f"/chat/api/conversations/{self.token}/messages?after={self.cursor}"
        status, body = await self.http.request("GET", path)
        at = time.perf_counter()
        if status != 200:
            self.errors.append(f"GET messages answered {status}")
            return
        for line in body["messages"]:
            if line["seq"] <= self.cursor:
                self.duplicates += 1  # fetched after the cursor, yet not after it
                continue
            self.cursor = line["seq"]
            found = MARKER.search(line["text"])
            if line["direction"] == "out" and found:
                marker = found.group(0)
                if marker in self.arrived:
                    self.duplicates += 1
                else:
                    self.arrived[marker] = Seen(at, how)
                self.lines.append((line["seq"], marker))
        if body["messages"]:
            seen_path = f"/chat/api/conversations/{self.token}/seen"
            await self.http.request("POST", seen_path, {"seq": self.cursor})


@dataclass
class Agent:
    token: str
    port: int
    cases: list[int] = field(default_factory=list)
    sent: dict[str, float] = field(default_factory=dict)  # marker: when the request started
    order: dict[int, list[str]] = field(default_factory=dict)  # case: markers in sent order
    answered: list[float] = field(default_factory=list)  # the reply request's own time
    errors: list[str] = field(default_factory=list)

    async def work(self, *, replies: int, think: float, rng: random.Random) -> None:
        http = Http(self.port)
        auth = {"Authorization": f"Bearer {self.token}"}
        await asyncio.sleep(think * rng.random())
        for round_ in range(replies):
            for case_id in self.cases:
                marker = f"[bench {case_id}:{round_}]"
                started = time.perf_counter()
                self.sent[marker] = started
                status, body = await http.request(
                    "POST",
                    f"/api/v1/cases/{case_id}/replies",
                    {"text": f"Reply {round_ + 1} from your agent {marker}", "channel": "chat"},
                    auth,
                )
                self.answered.append(time.perf_counter() - started)
                if status != 201:
                    self.errors.append(f"reply on case {case_id} answered {status}: {body}")
                    del self.sent[marker]
                else:
                    self.order.setdefault(case_id, []).append(marker)
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))
        await http.close()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--replies", type=int, default=3, help="agent replies per conversation")
    parser.add_argument(
        "--think-ms", type=float, default=1000, help="each agent's pause between replies"
    )
    parser.add_argument("--workers", type=int, default=2, help="rapport serve --workers")
    parser.add_argument("--safety-poll", type=float, default=20.0, help="as chat.js, seconds")
    parser.add_argument("--grace", type=float, default=30.0, help="seconds to wait for late ones")
    parser.add_argument("--db-url", default="", help="default: SQLite in a temporary folder")
    parser.add_argument("--redis-url", default="", help="default: a redis-server started here")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "chat.json"))
    return parser.parse_args(argv)


def environment(args: argparse.Namespace, workdir: Path, redis_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        **UNLIMITED,
        "DATABASE_URL": args.db_url or f"sqlite:///{workdir / 'bench.sqlite3'}",
        "RAPPORT_DATA_DIR": str(workdir),
        "REDIS_URL": redis_url,
        "DEBUG": "false",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "rapport.settings",
    }
    env.pop("RAPPORT_TESTING", None)
    (workdir / "static").mkdir(exist_ok=True)  # whitenoise warns about a missing STATIC_ROOT
    return env


def build_desk(args: argparse.Namespace, env: dict[str, str]) -> list[str]:
    """The business, its team and agents, each with an API token (returned, in agent order)."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from rapport.people.actions.agents import create_agent, create_brand, create_team
    from rapport.people.actions.security import issue_api_token
    from rapport.people.models import Agent as AgentRow

    call_command("migrate", verbosity=0)
    brand = create_brand(name="Bench Clinic", slug="bench", by=None)
    # Room for every chat the bench routes to them: M agents share N conversations.
    room = max(1, math.ceil(args.customers / args.agents) * 2)
    agents = [
        create_agent(
            username=f"agent{i}",
            display_name=f"Agent {i}",
            password=None,
            capacity=room,
        )
        for i in range(args.agents)
    ]
    AgentRow.objects.filter(pk__in=[a.pk for a in agents]).update(chat_capacity=room)
    create_team(name="Chat", slug="chat", members=agents, brand=brand)
    return [issue_api_token(agent=a, name="bench").raw for a in agents]


def owners(case_ids: list[int]) -> dict[int, str | None]:
    from rapport.cases.models import Case

    return dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "owner__user__username"))


def start_redis(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (Debian package redis-server)")
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own fixed command line
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
    )
    wait_for_port(port, server, "redis-server")
    return server, f"redis://127.0.0.1:{port}/0"


async def gather_limited(calls: list[Any]) -> None:
    gate = asyncio.Semaphore(OPEN_AT_ONCE)

    async def one(call: Any) -> None:
        async with gate:
            await call()

    await asyncio.gather(*(one(call) for call in calls))


async def open_conversations(
    customers: list[Customer], server: subprocess.Popen[bytes], workers: int
) -> dict[str, Any]:
    """Every customer's conversation, then their sockets; the server's memory around the
    sockets opening."""
    warm = Http(customers[0].port)
    for _ in range(10 * workers):  # each worker process has served requests before
        await warm.request("GET", "/chat/api/availability")
    await warm.close()
    started = time.perf_counter()
    await gather_limited([c.start for c in customers])
    opening_s = time.perf_counter() - started
    for customer in customers:
        await customer.http.close()
    await asyncio.sleep(1)
    before = rss_kib(server.pid)
    await gather_limited([c.open_socket for c in customers])
    await asyncio.sleep(2)  # every socket has fetched once (its connect fetch)
    after = rss_kib(server.pid)
    return {
        "opening_conversations_s": round(opening_s, 2),
        "server_rss_mib": {
            "before_sockets": round(before / 1024, 1),
            "sockets_open": round(after / 1024, 1),
        },
        "rss_per_connection_kib": round((after - before) / len(customers), 1),
    }


def summarise(customers: list[Customer], agents: list[Agent]) -> dict[str, Any]:
    """Latency of every reply fetched; lost, twice or out of order."""
    sent = {m: t for a in agents for m, t in a.sent.items()}
    arrived = {m: s for c in customers for m, s in c.arrived.items()}
    fetched = [m for m in sent if m in arrived]
    by_case = {c.case_id: c for c in customers}
    out_of_order = sum(
        1
        for a in agents
        for case_id, markers in a.order.items()
        if [m for _, m in by_case[case_id].lines] != markers[: len(by_case[case_id].lines)]
    )
    errors = [e for a in agents for e in a.errors] + [e for c in customers for e in c.errors]
    return {
        "latency": percentiles([arrived[m].at - sent[m] for m in fetched]),
        "latency_by": {
            how: percentiles([arrived[m].at - sent[m] for m in fetched if arrived[m].how == how])
            for how in sorted({arrived[m].how for m in fetched})
        },
        "reply_request": percentiles([t for a in agents for t in a.answered]),
        "replies_sent": len(sent),
        "replies_fetched": len(fetched),
        "lost": len(sent) - len(fetched),
        "duplicates": sum(c.duplicates for c in customers),
        "conversations_out_of_order": out_of_order,
        "fetched_by": dict(Counter(arrived[m].how for m in fetched)),
        "nudges_received": sum(c.nudges for c in customers),
        # Replies whose socket nudge never came (a poll brought them): the layer is at-most-once.
        "nudges_missing": sum(1 for c in customers for seq, _ in c.lines if seq not in c.nudged),
        "start_refusals": dict(Counter(s for c in customers for s in c.start_refusals)),
        "errors": errors[:20],
        "error_count": len(errors),
    }


async def drive(
    args: argparse.Namespace, server: subprocess.Popen[bytes], port: int, tokens: list[str]
) -> dict[str, Any]:
    rng = random.Random(args.seed)
    customers = [Customer(i, port) for i in range(args.customers)]
    opened = await open_conversations(customers, server, args.workers)
    listeners = [asyncio.create_task(c.listen()) for c in customers]
    agents = {f"agent{i}": Agent(token, port) for i, token in enumerate(tokens)}
    routed = await asyncio.to_thread(owners, [c.case_id for c in customers])
    for case_id, owner in routed.items():
        agents[str(owner)].cases.append(case_id)  # every chat has a named owner
    pollers = [asyncio.create_task(c.poll(args.safety_poll, rng)) for c in customers]

    load_before = os.getloadavg()
    cpu_before, client_before = cpu_seconds(server.pid), time.process_time()
    started = time.perf_counter()
    think = args.think_ms / 1000
    await asyncio.gather(
        *(
            a.work(replies=args.replies, think=think, rng=random.Random(rng.random()))
            for a in agents.values()
        )
    )
    sending_s = time.perf_counter() - started
    expected = sum(len(a.sent) for a in agents.values())
    deadline = time.perf_counter() + args.grace
    while time.perf_counter() < deadline:
        if sum(len(c.arrived) for c in customers) >= expected:
            break
        await asyncio.sleep(0.1)
    wall_s = time.perf_counter() - started
    await asyncio.sleep(2)  # nudges still on their way are counted, not taken for missing
    server_cpu = cpu_seconds(server.pid) - cpu_before
    client_cpu = time.process_time() - client_before
    load_after = os.getloadavg()
    for task in [*pollers, *listeners]:
        task.cancel()
    for customer in customers:
        if customer.socket is not None:
            await customer.socket.close()
        await customer.http.close()
    return {
        **summarise(customers, list(agents.values())),
        **opened,
        "replies_per_s": round(expected / sending_s, 1) if sending_s else None,
        "sending_s": round(sending_s, 2),
        "wall_s": round(wall_s, 2),
        "server_cpu_s": round(server_cpu, 2),
        "client_cpu_s": round(client_cpu, 2),
        "load_average": {
            "before": [round(x, 2) for x in load_before],
            "after": [round(x, 2) for x in load_after],
        },
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    # Both ends of every socket and HTTP connection live on this machine (the server inherits it).
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with tempfile.TemporaryDirectory(prefix="rapport-chat-bench-") as folder:
        workdir = Path(folder)
        redis = None
        redis_url = args.redis_url
        if not redis_url:
            redis, redis_url = start_redis(workdir)
        env = environment(args, workdir, redis_url)
        started = time.perf_counter()
        tokens = build_desk(args, env)
        setup_s = time.perf_counter() - started
        port = free_port()
        command = [sys.executable, "-m", "rapport.cli", "serve", "--port", str(port)]
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and command
            [*command, "--workers", str(args.workers)], env=env, cwd=ROOT
        )
        try:
            wait_for_port(port, server, "rapport serve")
            results = asyncio.run(drive(args, server, port, tokens))
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a loaded machine: the figures are taken, stop it
                server.kill()
                server.wait(timeout=10)
            if redis is not None:
                redis.terminate()
                redis.wait(timeout=10)
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    from django.db import connection

    ok = (
        results["lost"] == AIMS["lost"]
        and results["duplicates"] == 0
        and results["conversations_out_of_order"] == 0
        and results["error_count"] == 0
        and results["latency"]["p95_ms"] is not None
        and results["latency"]["p95_ms"] <= AIMS["p95_ms"]
    )
    report = {
        "customers": args.customers,
        "agents": args.agents,
        "replies_per_conversation": args.replies,
        "think_ms": args.think_ms,
        "workers": args.workers,
        "safety_poll_s": args.safety_poll,
        "database": connection.vendor,
        "channel_layer": "redis",
        "cpus": os.cpu_count(),
        "setup_s": round(setup_s, 1),
        "results": results,
        "aims": AIMS,
        "ok": ok,
    }
    text = json.dumps(report, indent=2)
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
