"""POST /api/v1/cases/{id}/chat/seen: an integration that shows a chat to an agent marks it seen
by the desk, the same action as the case page's (the customer's lines read "Seen")."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.chat.models import Conversation
from tests.api.conftest import ApiClient
from tests.chat.conftest import Visitor
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_an_integration_marks_the_chat_seen_up_to_a_message(world: World, api_as: Any) -> None:
    maria = Visitor()
    token = maria.start("Is the rye in today?").json()["conversation"]
    conversation = Conversation.objects.get()
    line = conversation.entries.get(seq=1)
    sam: ApiClient = api_as(world.supervisor)
    url = f"/cases/{conversation.case_id}/chat/seen"
    answer = sam.post(url, {"message_id": line.message_id})
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"agent_seen_seq": 1}
    assert maria.read(token).json()["agent_seen_seq"] == 1
    # A message that is no line of this chat marks nothing.
    other = world.case.messages.first()
    assert other is not None
    assert sam.post(url, {"message_id": other.pk}).json() == {"agent_seen_seq": None}
    assert sam.post(url, {"message_id": 0}).status_code == 422
    outsider: ApiClient = api_as(world.outsider)
    assert outsider.post(url, {"message_id": line.message_id}).status_code == 404
