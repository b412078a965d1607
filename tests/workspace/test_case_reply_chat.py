"""The case page's word after an agent's chat reply says what happened: the line is stored in
the customer's chat (delivered), then read when their screen shows it; never "queued" nor
"Sent"."""

from __future__ import annotations

import pytest

from rapport.cases.models import DeliveryStatus, Direction, Message
from tests.chat.conftest import start_chat
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_a_chat_reply_from_the_case_page_says_it_is_in_the_customers_chat(world: World) -> None:
    maria, token, conversation = start_chat()
    client = world.client_for(world.supervisor)
    answer = client.post(
        f"/cases/{conversation.case_id}/reply/",
        {"text": "Yes, fresh this morning.", "channel": "chat"},
        follow=True,
    )
    html = answer.content.decode()
    assert "Reply delivered to the customer" in html and "chat: it shows there now" in html
    assert "queued" not in html.lower() and "Reply sent" not in html
    message = Message.objects.get(direction=Direction.OUTBOUND)
    assert message.delivery_status == DeliveryStatus.DELIVERED
    assert maria.read(token).json()["messages"][-1]["text"] == "Yes, fresh this morning."
