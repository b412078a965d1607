"""The agent's read mark on a chat: the case page, once it shows the entries, says which message
it shows newest; the customer's lines up to it become "Seen" in their chat."""

from __future__ import annotations

import pytest

from rapport.cases.actions.messages import reply
from rapport.chat.models import Conversation
from tests.chat.conftest import Visitor
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _chat(world: World) -> tuple[Visitor, str, Conversation]:
    maria = Visitor()
    token = maria.start("Is the rye in today?", name="Maria").json()["conversation"]
    maria.say(token, "And the spelt?")
    return maria, token, Conversation.objects.get()


def test_the_case_page_carries_where_to_mark_the_chat_seen_and_the_newest_message(
    world: World,
) -> None:
    _, _, conversation = _chat(world)
    newest = conversation.entries.order_by("-seq").first()
    assert newest is not None and newest.message_id is not None
    page = world.client_for(world.supervisor).get(f"/cases/{conversation.case_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-chat-seen="/cases/{conversation.case_id}/chat-seen/"' in html
    assert f'data-newest-message="{newest.message_id}"' in html
    # A case that is not a chat has nothing to mark.
    other = world.client_for(world.agent).get(f"/cases/{world.case.pk}/").content.decode()
    assert "data-chat-seen" not in other


def test_the_agents_page_marks_the_lines_it_shows_and_the_customer_sees_it(world: World) -> None:
    maria, token, conversation = _chat(world)
    assert maria.read(token).json()["agent_seen_seq"] == 0
    first = conversation.entries.get(seq=1)
    agent = world.client_for(world.supervisor)
    url = f"/cases/{conversation.case_id}/chat-seen/"
    assert agent.post(url, {"message": first.message_id}).status_code == 204
    assert maria.read(token).json()["agent_seen_seq"] == 1
    second = conversation.entries.get(seq=2)
    assert agent.post(url, {"message": second.message_id}).status_code == 204
    assert maria.read(token).json()["agent_seen_seq"] == 2
    # Never back.
    assert agent.post(url, {"message": first.message_id}).status_code == 204
    assert maria.read(token).json()["agent_seen_seq"] == 2


def test_a_message_of_another_case_marks_nothing(world: World) -> None:
    maria, token, conversation = _chat(world)
    agent = world.client_for(world.supervisor)
    email_message = world.case.messages.first()
    assert email_message is not None
    answer = agent.post(f"/cases/{conversation.case_id}/chat-seen/", {"message": email_message.pk})
    assert answer.status_code == 204
    assert maria.read(token).json()["agent_seen_seq"] == 0
    assert (
        agent.post(f"/cases/{conversation.case_id}/chat-seen/", {"message": "x"}).status_code == 400
    )


def test_the_wrong_people_are_refused(world: World) -> None:
    maria, token, conversation = _chat(world)
    message_id = conversation.entries.get(seq=2).message_id
    url = f"/cases/{conversation.case_id}/chat-seen/"
    outsider = world.client_for(world.outsider).post(url, {"message": message_id})
    assert outsider.status_code == 404
    anonymous = Visitor().client.post(url, {"message": message_id})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert world.client_for(world.supervisor).get(url).status_code == 405
    assert maria.read(token).json()["agent_seen_seq"] == 0


def test_a_reply_read_by_the_customer_shows_read_on_the_case_page(world: World) -> None:
    maria, token, conversation = _chat(world)
    reply(case=conversation.case, text="Yes, until six.", by=world.supervisor, channel="chat")
    page = world.client_for(world.supervisor).get(f"/cases/{conversation.case_id}/")
    assert 'data-delivery="delivered"' in page.content.decode()
    conversation.refresh_from_db()  # the reply's seq: after "Sam has joined", an automatic line
    maria.saw(token, conversation.last_seq)
    page = world.client_for(world.supervisor).get(f"/cases/{conversation.case_id}/")
    assert 'data-delivery="read"' in page.content.decode()
    assert "Read in the chat" in page.content.decode()
