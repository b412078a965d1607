"""A person who takes a chat's case for themselves, before writing, is announced to the
customer once ("Priya has joined"), as their first reply would announce them; the customer
then sees who they are talking with."""

from __future__ import annotations

import pytest

from rapport.cases.actions.messages import reply
from rapport.people.models import Agent, first_name
from tests.chat.conftest import start_chat
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _other_than(owner: Agent | None, world: World) -> Agent:
    return world.supervisor if owner != world.supervisor else world.agent


def test_taking_a_chat_announces_the_person_once(world: World) -> None:
    maria, token, conversation = start_chat()
    taker = _other_than(conversation.case.owner, world)
    page = world.client_for(taker)
    url = f"/cases/{conversation.case_id}/owner/"
    assert page.post(url, {"owner": taker.pk, "reason": ""}).status_code in (200, 302)
    joined = f"{first_name(taker.display_name)} has joined"
    body = maria.read(token).json()
    assert [(m["direction"], m["text"]) for m in body["messages"]] == [
        ("in", "Is the rye in today?"),
        ("system", joined),
    ]
    assert body["agent"] == {"name": taker.display_name}
    # Taking it again, then replying, announces nothing more.
    page.post(url, {"owner": taker.pk, "reason": ""})
    reply(case=conversation.case, text="Yes, fresh today.", by=taker, channel="chat")
    lines = [(m["direction"], m["text"]) for m in maria.read(token).json()["messages"]]
    assert lines == [
        ("in", "Is the rye in today?"),
        ("system", joined),
        ("out", "Yes, fresh today."),
    ]


def test_a_case_handed_to_someone_else_announces_nobody(world: World) -> None:
    """A supervisor handing the chat to an agent: the agent has not joined until they act."""
    maria, token, conversation = start_chat()
    world.client_for(world.supervisor).post(
        f"/cases/{conversation.case_id}/owner/", {"owner": world.agent.pk, "reason": "yours"}
    )
    body = maria.read(token).json()
    assert [m["direction"] for m in body["messages"]] == ["in"]
    assert body["agent"] is None


def test_once_a_person_has_joined_the_customer_is_told_no_queue_place(world: World) -> None:
    maria, token, conversation = start_chat()
    taker = _other_than(conversation.case.owner, world)
    world.client_for(taker).post(
        f"/cases/{conversation.case_id}/owner/", {"owner": taker.pk, "reason": ""}
    )
    body = maria.read(token).json()
    assert body["queue_position"] is None and body["wait_seconds"] is None
