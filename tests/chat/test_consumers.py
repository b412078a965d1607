"""The customer's socket: it only nudges ("new up to seq N", typing, read marks), joins only the
chat its token and cookie name, and refuses other sites' pages."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from rapport.cases.actions.messages import reply
from rapport.chat.models import Conversation
from rapport.chat.routing import websocket_urlpatterns
from rapport.people.models import Brand
from tests.asyncs import run_async
from tests.chat.conftest import Visitor
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)  # the consumer's queries run on their own

application = URLRouter(websocket_urlpatterns)


_run = run_async


def _socket(token: str, *, visitor: Visitor | None = None, origin: str = "") -> Any:
    headers = []
    if visitor is not None:
        cookie = visitor.client.cookies["rapport_chat_visitor"]
        headers.append((b"cookie", f"rapport_chat_visitor={cookie.value}".encode()))
    if origin:
        headers.append((b"origin", origin.encode()))
    return WebsocketCommunicator(application, f"/chat/ws/{token}/", headers=headers)


def test_the_socket_says_new_after_a_reply_is_stored_and_carries_no_text(world: World) -> None:
    visitor = Visitor()
    token = visitor.start("Hello").json()["conversation"]
    conversation = Conversation.objects.get()

    async def talk() -> None:
        socket = _socket(token, visitor=visitor)
        connected, _ = await socket.connect()
        assert connected
        await sync_to_async(reply)(
            case=conversation.case, text="Hi, Ana here.", by=world.agent, channel="chat"
        )
        # "Ana has joined", then her line.
        assert await socket.receive_json_from(timeout=2) == {"type": "new", "seq": 2}
        assert await socket.receive_json_from(timeout=2) == {"type": "new", "seq": 3}
        # The customer types: their own socket is not told; the seen mark is stored.
        await socket.send_json_to({"type": "typing"})
        await socket.send_json_to({"type": "seen", "seq": 3})
        assert await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()

    _run(talk)
    conversation.refresh_from_db()
    assert conversation.customer_seen_seq == 3
    assert visitor.read(token).json()["messages"][2]["text"] == "Hi, Ana here."


def test_a_line_the_customer_posts_over_http_is_nudged_to_their_other_tab(world: World) -> None:
    visitor = Visitor()
    token = visitor.start("Hello").json()["conversation"]

    async def talk() -> None:
        socket = _socket(token, visitor=visitor)
        assert (await socket.connect())[0]
        response = await sync_to_async(visitor.say)(token, "Are you there?")
        assert response.status_code == 201
        assert await socket.receive_json_from(timeout=2) == {"type": "new", "seq": 2}
        await socket.disconnect()

    _run(talk)


def test_an_unknown_token_another_visitors_and_another_sites_page_are_refused(
    world: World,
) -> None:
    maria, stranger = Visitor(), Visitor()
    token = maria.start().json()["conversation"]
    stranger.start("Mine")
    Brand.objects.create(name="Night", slug="night", chat_origins=["https://night.example"])
    Conversation.objects.filter(visitor_id__isnull=False).update(
        brand=Brand.objects.get(slug="night")
    )

    async def attempts() -> None:
        for name, socket in (
            ("unknown", _socket("x" * 43, visitor=maria)),
            ("another visitor", _socket(token, visitor=stranger)),
            ("another site", _socket(token, visitor=maria, origin="https://evil.example")),
        ):
            assert not (await socket.connect())[0], name
        for origin in ("https://night.example", "http://localhost:8000"):
            socket = _socket(token, visitor=maria, origin=origin)
            assert (await socket.connect())[0], origin
            await socket.disconnect()

    _run(attempts)
