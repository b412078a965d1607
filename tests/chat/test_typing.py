"""Typing both ways: the agent typing a reply on the case page reaches the customer (socket, and
the poll answer for a client without one); the customer typing (socket or the widget's HTTP
POST) reaches the agents watching the case page. Stored nowhere, gone by itself."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.utils import timezone

from rapport.asgi import application
from rapport.cases.actions.messages import reply
from rapport.chat.actions.typing import agent_typing
from rapport.chat.models import Conversation
from rapport.people.models import Agent
from tests.asyncs import run_async
from tests.chat.conftest import BASE, Visitor, desk_socket
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


def _desk(world: World, agent: Agent) -> WebsocketCommunicator:
    return desk_socket(world.client_for(agent))


def _chat(token: str, visitor: Visitor) -> WebsocketCommunicator:
    cookie = visitor.client.cookies["rapport_chat_visitor"].value
    return WebsocketCommunicator(
        application,
        f"/chat/ws/{token}/",
        headers=[
            (b"origin", b"http://localhost"),
            (b"host", b"localhost"),
            (b"cookie", f"rapport_chat_visitor={cookie}".encode()),
        ],
    )


async def _watch(desk: WebsocketCommunicator, case_id: int) -> None:
    assert (await desk.connect())[0]
    await desk.send_json_to({"type": "watch", "case": case_id})
    assert await desk.receive_json_from(timeout=2) == {"type": "watching", "case": case_id}


def test_the_customer_typing_over_http_reaches_the_agent_watching_the_case(world: World) -> None:
    maria = Visitor()
    token = maria.start("Is the rye in today?", name="Maria").json()["conversation"]
    case_id = Conversation.objects.get().case_id
    desk = _desk(world, world.supervisor)

    async def scenario() -> None:
        await _watch(desk, case_id)
        typed = await sync_to_async(maria.post)(f"{BASE}/{token}/typing", {})
        assert typed.status_code == 204
        heard: dict[str, Any] = await desk.receive_json_from(timeout=2)
        assert heard["type"] == "presence" and heard["case"] == case_id
        assert (heard["name"], heard["typing"], heard["gone"]) == ("Maria", True, False)
        await desk.disconnect()

    run_async(scenario)


def test_the_agent_typing_a_reply_reaches_the_customers_socket_but_a_note_does_not(
    world: World,
) -> None:
    maria = Visitor()
    token = maria.start("Is the rye in today?", name="Maria").json()["conversation"]
    case_id = Conversation.objects.get().case_id
    desk = _desk(world, world.supervisor)
    chat = _chat(token, maria)

    async def scenario() -> None:
        await _watch(desk, case_id)
        assert (await chat.connect())[0]
        # An internal note being written is not the customer's business.
        await desk.send_json_to({"type": "presence", "case": case_id, "typing": True})
        assert await chat.receive_nothing(timeout=0.3)
        await desk.send_json_to(
            {"type": "presence", "case": case_id, "typing": True, "reply": True}
        )
        assert await chat.receive_json_from(timeout=2) == {
            "type": "typing",
            "by": "agent",
            "name": "Sam",
        }
        await chat.disconnect()
        await desk.disconnect()

    run_async(scenario)


def test_an_agent_who_may_not_open_the_case_types_nothing_into_its_chat(world: World) -> None:
    maria = Visitor()
    token = maria.start("Is the rye in today?").json()["conversation"]
    case_id = Conversation.objects.get().case_id
    desk = _desk(world, world.outsider)
    chat = _chat(token, maria)

    async def scenario() -> None:
        assert (await desk.connect())[0]
        assert (await chat.connect())[0]
        await desk.send_json_to({"type": "watch", "case": case_id})
        assert await desk.receive_json_from(timeout=2) == {"type": "refused", "case": case_id}
        await desk.send_json_to(
            {"type": "presence", "case": case_id, "typing": True, "reply": True}
        )
        assert await chat.receive_nothing(timeout=0.3)
        await chat.disconnect()
        await desk.disconnect()

    run_async(scenario)
    assert maria.read(token).json()["agent_typing"] is None


def test_the_poll_answer_says_who_is_typing_and_it_expires_by_itself(world: World) -> None:
    maria = Visitor()
    token = maria.start("Is the rye in today?").json()["conversation"]
    conversation = Conversation.objects.get()
    assert maria.read(token).json()["agent_typing"] is None
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        agent_typing(case=conversation.case, agent=world.agent)
        answer = maria.read(token).json()
        assert answer["agent_typing"] == {"name": "Ana"}
        # The fields are all still there, exactly.
        assert {"messages", "agent", "wait_seconds", "queue_position"} <= set(answer)
        clock.shift(timedelta(seconds=settings.RAPPORT_CHAT_TYPING_SECONDS + 1))
        assert maria.read(token).json()["agent_typing"] is None


def test_the_agents_reply_ends_their_typing_in_the_poll_answer(world: World) -> None:
    maria = Visitor()
    token = maria.start("Is the rye in today?").json()["conversation"]
    case = Conversation.objects.get().case
    agent_typing(case=case, agent=world.agent)
    reply(case=case, text="Yes, until six.", by=world.agent, channel="chat")
    answer = maria.read(token).json()
    assert answer["messages"][-1]["text"] == "Yes, until six."
    assert answer["agent_typing"] is None


def test_an_agent_without_a_socket_typing_a_reply_reaches_the_poll_answer(world: World) -> None:
    """Over a server without websockets the case page says it with its presence heartbeat
    (`reply_typing`); the heartbeat alone (a draft left in the box) says nothing to the chat."""
    maria = Visitor()
    token = maria.start("Is the rye in today?").json()["conversation"]
    case_id = Conversation.objects.get().case_id
    url = f"/cases/{case_id}/presence/"
    sam = world.client_for(world.supervisor)
    assert sam.post(url, {"text": "Yes, until"}).status_code == 200
    assert maria.read(token).json()["agent_typing"] is None
    assert sam.post(url, {"text": "Yes, until six", "reply_typing": "1"}).status_code == 200
    assert maria.read(token).json()["agent_typing"] == {"name": "Sam"}
    outsider = world.client_for(world.outsider)
    assert outsider.post(url, {"text": "x", "reply_typing": "1"}).status_code == 404
