"""`rapport serve` (uvicorn running rapport.asgi) on loopback: pages, static files and the desk's
socket, from a real server process against the test database."""

from __future__ import annotations

import json
import urllib.request

import pytest
from django.conf import settings
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
