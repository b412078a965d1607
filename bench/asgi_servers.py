"""uvicorn against daphne serving Rapport's ASGI application on loopback (how `rapport serve`'s
server was chosen).

Each server runs in a subprocess on a free port with `bench.asgi_servers:application`: Rapport's
own HTTP application (Django, middleware, templates; the sign-in page, which reads no database
rows) and a websocket echo consumer (the server's and Channels' own cost, nothing of ours). It
measures, one request at a time on a kept-alive connection: HTTP GET /login/ latency; websocket
echo round trips on one socket; the server's resident memory with `--sockets` open websockets
against the idle server (VmRSS from /proc). Prints JSON.

    .venv/bin/python bench/asgi_servers.py [--requests 300] [--echoes 1000] [--sockets 200]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

if __name__ != "__main__":  # imported by the server under test
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    from django.core.asgi import get_asgi_application

    http_application = get_asgi_application()
    from channels.generic.websocket import AsyncWebsocketConsumer
    from channels.routing import ProtocolTypeRouter, URLRouter
    from django.urls import path

    class Echo(AsyncWebsocketConsumer):  # type: ignore[misc]
        async def receive(
            self, text_data: str | None = None, bytes_data: bytes | None = None
        ) -> None:
            await self.send(text_data=text_data, bytes_data=bytes_data)

    application = ProtocolTypeRouter(
        {"http": http_application, "websocket": URLRouter([path("echo/", Echo.as_asgi())])}
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _command(server: str, port: int) -> list[str]:
    app = "bench.asgi_servers:application"
    if server == "uvicorn":
        return [sys.executable, "-m", "uvicorn", app, "--port", str(port), "--lifespan", "off",
                "--log-level", "warning"]  # fmt: skip
    return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "-v", "0", app]


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 3),
    }


def measure(server: str, *, requests: int, echoes: int, sockets: int) -> dict[str, Any]:
    from websockets.sync.client import connect

    port = _free_port()
    # The sign-in page is rate-limited per address; the bench is one address asking fast.
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "DEBUG": "false",
        "RAPPORT_RATE_ANONYMOUS": "100000/m",
    }
    process = subprocess.Popen(_command(server, port), cwd=REPO, env=env)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{server} did not start") from None
                time.sleep(0.1)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        timings = []
        for i in range(requests + 20):
            started = time.perf_counter()
            conn.request("GET", "/login/")
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{server}: /login/ answered {response.status}")
            if i >= 20:  # warm-up
                timings.append(time.perf_counter() - started)
        conn.close()
        url = f"ws://127.0.0.1:{port}/echo/"
        echo_timings = []
        with connect(url) as ws:
            for i in range(echoes + 20):
                started = time.perf_counter()
                ws.send(f"ping {i}")
                if ws.recv(timeout=10) != f"ping {i}":
                    raise RuntimeError(f"{server}: echo lost")
                if i >= 20:
                    echo_timings.append(time.perf_counter() - started)
        time.sleep(0.5)
        idle = _rss_kib(process.pid)
        with ExitStack() as stack:
            held = [stack.enter_context(connect(url)) for _ in range(sockets)]
            for ws in held:  # every socket round-trips once, so the server has set each one up
                ws.send("x")
                ws.recv(timeout=10)
            time.sleep(0.5)
            loaded = _rss_kib(process.pid)
        return {
            "server": server,
            "http_login_page": _percentiles(timings),
            "websocket_echo": _percentiles(echo_timings),
            "rss_idle_mib": round(idle / 1024, 1),
            "rss_per_socket_kib": round((loaded - idle) / sockets, 1),
        }
    finally:
        process.terminate()
        process.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--echoes", type=int, default=1000)
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--servers", default="uvicorn,daphne")
    options = parser.parse_args()
    results = [
        measure(name, requests=options.requests, echoes=options.echoes, sockets=options.sockets)
        for name in options.servers.split(",")
    ]
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
