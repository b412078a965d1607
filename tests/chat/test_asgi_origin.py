"""The whole ASGI application: the customer's chat socket opens from a brand's own site (a host
that is not this desk's), which the agents' `/ws/desk/` origin check would refuse; another site's
page is still refused by the chat's own check, and the desk socket stays behind its validator.
The customer's typing and read marks reach the agent watching the case page."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from rapport.asgi import application
from rapport.cases.actions.messages import reply
from rapport.chat.models import Conversation
from rapport.people.models import Brand
from tests.asyncs import run_async
from tests.chat.conftest import Visitor, desk_socket
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)

BRAND_SITE = "https://www.night-bakery.example"


_run = run_async


def _socket(path: str, origin: str, visitor: Visitor | None = None) -> WebsocketCommunicator:
    headers = [(b"origin", origin.encode()), (b"host", b"localhost")]
    if visitor is not None:
        cookie = visitor.client.cookies["rapport_chat_visitor"].value
        headers.append((b"cookie", f"rapport_chat_visitor={cookie}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


def test_a_widget_on_the_brands_own_site_opens_its_chat_socket(world: World) -> None:
    brand = Brand.objects.create(name="Night Bakery", slug="night", chat_origins=[BRAND_SITE])
    maria = Visitor(origin=BRAND_SITE)
    token = maria.start("Is the rye in today?", brand="night").json()["conversation"]
    assert Conversation.objects.get().brand == brand

    async def attempts() -> None:
        socket = _socket(f"/chat/ws/{token}/", BRAND_SITE, maria)
        connected, _ = await socket.connect()
        assert connected, "the brand's own site is refused"
        await socket.disconnect()
        refused, code = await _socket(f"/chat/ws/{token}/", "https://evil.example", maria).connect()
        assert not refused and code == 4403
        # The agents' socket does not open from the brand's site: only from the desk's hosts.
        assert not (await _socket("/ws/desk/", BRAND_SITE).connect())[0]

    _run(attempts)


def test_the_agent_on_the_case_page_sees_the_customer_typing_and_reading(world: World) -> None:
    maria = Visitor()
    token = maria.start("Is the rye in today?", name="Maria").json()["conversation"]
    conversation = Conversation.objects.get()
    case_id = conversation.case_id
    desk = desk_socket(world.client_for(world.supervisor))

    async def scenario() -> None:
        assert (await desk.connect())[0]
        await desk.send_json_to({"type": "watch", "case": case_id})
        assert await desk.receive_json_from() == {"type": "watching", "case": case_id}
        chat = _socket(f"/chat/ws/{token}/", "http://localhost", maria)
        assert (await chat.connect())[0]
        await chat.send_json_to({"type": "typing"})
        heard = await desk.receive_json_from(timeout=2)
        assert heard["type"] == "presence" and heard["case"] == case_id
        assert (heard["name"], heard["typing"]) == ("Maria", True)
        # Her read mark: the case page fetches again and shows the replies read.
        await sync_to_async(reply)(
            case=conversation.case, text="Yes, until six.", by=world.supervisor, channel="chat"
        )
        assert await desk.receive_json_from(timeout=2) == {"type": "case", "case": case_id}
        await chat.send_json_to({"type": "seen", "seq": 2})
        assert await desk.receive_json_from(timeout=2) == {"type": "case", "case": case_id}
        await chat.disconnect()
        await desk.disconnect()

    _run(scenario)
