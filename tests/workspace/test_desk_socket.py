"""The desk's socket (`/ws/desk/`) through the whole ASGI application: session auth, the origin
check, which groups an agent may join, and nudges sent after commit only."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import transaction
from django.test import Client, TestCase

from rapport.asgi import application
from rapport.lib.nudges import case_group, nudge
from tests.asyncs import run_async
from tests.conftest import World, toms_cases

ORIGIN = (b"origin", b"http://localhost")


def _socket(
    client: Client | None, *, origin: tuple[bytes, bytes] = ORIGIN
) -> WebsocketCommunicator:
    headers = [origin, (b"host", b"localhost")]
    if client is not None:
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, "/ws/desk/", headers=headers)


run = run_async


def test_anonymous_is_refused(world: World) -> None:
    async def scenario() -> None:
        connected, _ = await _socket(None).connect()
        assert not connected

    run(scenario)


def test_another_sites_page_is_refused(world: World) -> None:
    client = world.client_for(world.agent)

    async def scenario() -> None:
        socket = _socket(client, origin=(b"origin", b"https://evil.example"))
        connected, _ = await socket.connect()
        assert not connected

    run(scenario)


def test_an_agent_watches_a_case_they_may_open_and_hears_of_it_after_commit(world: World) -> None:
    client = world.client_for(world.agent)
    group = case_group(world.case.pk)

    async def scenario() -> None:
        socket = _socket(client)
        connected, _ = await socket.connect()
        assert connected
        await socket.send_json_to({"type": "watch", "case": world.case.pk})
        assert await socket.receive_json_from() == {"type": "watching", "case": world.case.pk}

        @sync_to_async
        def rolled_back_then_committed() -> None:
            # The test's own transaction never commits: its callbacks run as a commit would.
            with TestCase.captureOnCommitCallbacks(execute=True):
                try:
                    with transaction.atomic():
                        nudge(group, {"type": "case", "case": world.case.pk, "n": 1})
                        raise RuntimeError("the write fails")
                except RuntimeError:
                    pass
                with transaction.atomic():
                    nudge(group, {"type": "case", "case": world.case.pk, "n": 2})

        await rolled_back_then_committed()
        assert await socket.receive_json_from() == {"type": "case", "case": world.case.pk, "n": 2}
        assert await socket.receive_nothing()
        await socket.disconnect()

    run(scenario)


def test_another_teams_case_is_refused(world: World) -> None:
    client = world.client_for(world.agent)
    theirs = toms_cases(world).dental_case  # Tom's dentist's case: Ana neither serves nor sees it

    async def scenario() -> None:
        socket = _socket(client)
        assert (await socket.connect())[0]
        await socket.send_json_to({"type": "watch", "case": theirs.pk})
        assert await socket.receive_json_from() == {"type": "refused", "case": theirs.pk}
        await sync_to_async(nudge)(case_group(theirs.pk), {"type": "case", "case": theirs.pk})
        assert await socket.receive_nothing()
        await socket.disconnect()

    run(scenario)


def test_presence_reaches_the_others_on_the_case_and_says_when_they_leave(world: World) -> None:
    ana, ben = world.client_for(world.agent), world.client_for(world.colleague)
    case_id = world.case.pk

    async def scenario() -> None:
        sockets = [_socket(ana), _socket(ben)]
        for socket in sockets:
            assert (await socket.connect())[0]
            await socket.send_json_to({"type": "watch", "case": case_id})
            await socket.receive_json_from()
        await sockets[1].send_json_to({"type": "presence", "case": case_id, "typing": True})
        heard: dict[str, Any] = await sockets[0].receive_json_from()
        assert heard == {
            "type": "presence",
            "case": case_id,
            "agent": world.colleague.pk,
            "name": "Dr. Ben Hale",
            "typing": True,
            "gone": False,
        }
        assert await sockets[1].receive_nothing()  # one's own presence is not news
        await sockets[1].disconnect()
        assert (await sockets[0].receive_json_from())["gone"] is True
        await sockets[0].disconnect()

    run(scenario)


@pytest.mark.parametrize("message", [{"type": "presence", "case": 1, "typing": True}, [1], "x"])
def test_presence_on_a_case_not_watched_or_junk_is_ignored(world: World, message: Any) -> None:
    client = world.client_for(world.agent)

    async def scenario() -> None:
        socket = _socket(client)
        assert (await socket.connect())[0]
        await socket.send_json_to(message)
        assert await socket.receive_nothing()
        await socket.disconnect()

    run(scenario)
