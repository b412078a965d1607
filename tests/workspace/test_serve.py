"""`rapport serve` (uvicorn running rapport.asgi) on loopback: pages, static files and the desk's
socket, from a real server process against the test database."""

from __future__ import annotations

import contextlib
import json
import os
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Origin

from tests.asgi_server import serving
from tests.conftest import World

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
        return int(response.status), bytes(response.read())


def test_serve_answers_pages_static_files_and_the_desks_socket(world: World) -> None:
    client = world.client_for(world.agent)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    with serving() as base:
        status, body = _get(f"{base}/login/")
        assert status == 200 and b"<form" in body
        status, body = _get(f"{base}/static/workspace/live.js")
        assert status == 200 and b"live" in body
        ws = base.replace("http://", "ws://") + "/ws/desk/"

        with pytest.raises(InvalidStatus) as refused:  # anonymous: the handshake is refused
            connect(ws, origin=Origin(base), open_timeout=10)
        assert refused.value.response.status_code == 403

        with connect(
            ws,
            origin=Origin(base),
            additional_headers={"Cookie": cookie},
            open_timeout=10,
        ) as desk:
            desk.send(json.dumps({"type": "watch", "case": world.case.pk}))
            assert json.loads(desk.recv(timeout=10)) == {"type": "watching", "case": world.case.pk}


def _connections_to_test_database() -> int:
    """Connections the server holds to the test database, this test's own left out: PostgreSQL's
    sessions, or SQLite's open handles on the database file (every process on the machine)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return int(cursor.fetchone()[0])
    database = Path(connection.settings_dict["NAME"]).resolve()
    handles = 0
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        with contextlib.suppress(OSError):
            if fd.parts[2] != str(os.getpid()) and fd.resolve() == database:
                handles += 1
    return handles


def test_serve_does_not_hold_a_database_connection_per_request(world: World) -> None:
    """Under ASGI every request's database work runs in a thread of its own: a connection kept
    open for reuse by that thread (CONN_MAX_AGE) is never reused, and one was left open per
    request until PostgreSQL refused everyone with 'too many clients' (bench/chat.py on
    PostgreSQL, 200 customers). A bounded pool of connections serves any number of requests."""
    token = world.token_for(world.agent)

    def fetch(url: str) -> int:
        request = urllib.request.Request(  # noqa: S310 - loopback
            url, headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return int(response.status)

    # Earlier tests' idle connections to this database are not the server's.
    before = _connections_to_test_database()
    with serving() as base, ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(fetch, [f"{base}/api/v1/cases"] * 200))
        held = _connections_to_test_database() - before
    assert statuses == [200] * 200
    # Bounded by the pool (and on SQLite by the threads alive), never one per request.
    assert held < 40, f"{held} connections held after 200 requests, 40 at a time"
