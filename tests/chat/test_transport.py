"""An agent's reply with channel chat reaches the conversation, through the API and the web
composer alike, and its status says only what happened: delivered, then read."""

from __future__ import annotations

import pytest

from rapport.cases.actions.messages import reply
from rapport.cases.models import DeliveryStatus, Direction, Message
from rapport.chat.models import ChatEntry, Conversation, ConversationState
from rapport.lib.errors import ActionError
from rapport.people.models import first_name
from tests.api.conftest import ApiClient
from tests.chat.conftest import Visitor
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _chat(world: World) -> tuple[Visitor, str, Conversation]:
    visitor = Visitor()
    token = visitor.start("Is Mila's cough normal?", name="Maria").json()["conversation"]
    return visitor, token, Conversation.objects.get()


def test_an_api_reply_with_channel_chat_reaches_the_customers_chat(world: World) -> None:
    visitor, token, conversation = _chat(world)
    owner = conversation.case.owner
    assert owner is not None
    api = ApiClient(world.token_for(owner))
    response = api.post(
        f"/cases/{conversation.case_id}/replies",
        {"text": "A little honey helps.", "channel": "chat"},
    )
    assert response.status_code in (200, 201), response.content
    lines = visitor.read(token, after=1).json()["messages"]
    assert [(m["seq"], m["direction"], m["author"], m["text"]) for m in lines] == [
        (2, "system", "", f"{first_name(owner.display_name)} has joined"),
        (3, "out", owner.display_name, "A little honey helps."),
    ]
    message = Message.objects.get(direction=Direction.OUTBOUND)
    assert message.channel == "chat"
    assert message.delivery_status == DeliveryStatus.DELIVERED  # never "Sent"


def test_a_chat_case_replies_by_chat_first(world: World) -> None:
    _, _, conversation = _chat(world)
    message = reply(case=conversation.case, text="Hello", by=world.agent)
    assert message.channel == "chat"
    assert ChatEntry.objects.get(message=message).seq == 3  # after "Ana has joined"


def test_the_composer_offers_chat_on_a_case_with_a_conversation(world: World) -> None:
    _, _, conversation = _chat(world)
    page = world.client_for(world.supervisor).get(f"/cases/{conversation.case_id}/")
    assert '<option value="chat">Chat</option>' in page.content.decode()


def test_an_ended_conversation_takes_no_chat_reply(world: World) -> None:
    _, _, conversation = _chat(world)
    Conversation.objects.filter(pk=conversation.pk).update(state=ConversationState.ENDED)
    with pytest.raises(ActionError, match="This case has no open chat to reply in"):
        reply(case=conversation.case, text="Hello", by=world.agent, channel="chat")
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()
