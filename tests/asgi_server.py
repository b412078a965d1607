"""`rapport serve` in a subprocess on a free loopback port, against the test database (a file on
SQLite, the test database on PostgreSQL): what the desk's sockets and pages do behind the real
server. With `redis_url` the server and this test process share a Redis channel layer, so a nudge
sent by a write in the test reaches the server's sockets, as the worker's do in production."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from django.db import connection


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    at = f"{user}{password}@" if user else ""
    return f"postgres://{at}{db.get('HOST') or ''}:{db.get('PORT') or 5432}/{db['NAME']}"


@contextmanager
def serving(*, redis_url: str | None = None, workers: int = 1) -> Iterator[str]:
    """`rapport serve` running; yields its base URL (http://127.0.0.1:PORT)."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": _database_url(), "DEBUG": "false"}
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    command = [sys.executable, "-m", "rapport.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(  # noqa: S603 - our own fixed command line
        [*command, "--workers", str(workers)], env=env, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError as exc:
                if server.poll() is not None or time.monotonic() > deadline:
                    _, err = (
                        server.communicate(timeout=5) if server.poll() is not None else (b"", b"")
                    )
                    raise RuntimeError(
                        f"rapport serve did not start: {err.decode()[-2000:]}"
                    ) from exc
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a loaded machine: the test is over, stop waiting
            server.kill()
            server.wait(timeout=10)
