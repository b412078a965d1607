"""SQLite's one writer, PostgreSQL's table locks: when another connection holds the lock past the
wait allowed (busy_timeout, lock_timeout), a chat line or an agent's reply is refused with 503
and Retry-After, saying it was not sent; nothing is stored, and the same request goes through
once the lock is free."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from rapport.cases.models import Direction, Message
from rapport.chat.models import ChatEntry, Conversation
from tests.api.conftest import ApiClient
from tests.chat.conftest import Visitor, chat_with_owner, start_chat, write_lock_held
from tests.conftest import World

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the lock is taken from another connection
]

REPLY = "Give her the syrup twice a day."


def _refused_busy(response: object, *, says: str) -> dict[str, str]:
    assert response.status_code == 503, response.content  # type: ignore[attr-defined]
    assert response["Retry-After"].isdigit()  # type: ignore[index]
    error: dict[str, str] = response.json()["error"]  # type: ignore[attr-defined]
    assert error["code"] == "busy"
    assert says in error["message"]
    return error


def test_a_chat_started_while_the_database_is_locked_is_a_503_and_stores_nothing(
    world: World,
) -> None:
    visitor = Visitor(origin="http://testserver")
    conversations = Conversation.objects.count()
    with write_lock_held():
        response = visitor.start("Is the rye in today?", name="Maria")
    _refused_busy(response, says="your message was not sent")
    assert response["Access-Control-Allow-Origin"] == "http://testserver"  # the widget reads it
    assert Conversation.objects.count() == conversations
    assert visitor.start("Is the rye in today?", name="Maria").status_code == 201


def test_a_chat_line_while_the_database_is_locked_is_a_503_and_stores_nothing(
    world: World,
) -> None:
    visitor, token, conversation = start_chat()
    entries = ChatEntry.objects.count()
    with write_lock_held():
        response = visitor.say(token, "Hello?", client_id="line-2")
    _refused_busy(response, says="your message was not sent")
    assert ChatEntry.objects.count() == entries
    assert Conversation.objects.get(pk=conversation.pk).last_seq == conversation.last_seq
    again = visitor.say(token, "Hello?", client_id="line-2")
    assert again.status_code == 201
    lines = visitor.read(token, after=conversation.last_seq).json()["messages"]
    assert [line["text"] for line in lines if line["direction"] == "in"] == ["Hello?"]


def test_an_api_reply_while_the_database_is_locked_is_a_503_and_stores_nothing(
    world: World,
) -> None:
    conversation, owner = chat_with_owner()
    api = ApiClient(world.token_for(owner))
    assert api.get(f"/cases/{conversation.case_id}").status_code == 200  # the token is stamped
    with write_lock_held():
        response = api.post(
            f"/cases/{conversation.case_id}/replies", {"text": REPLY, "channel": "chat"}
        )
    _refused_busy(response, says="nothing was saved or sent")
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()
    again = api.post(f"/cases/{conversation.case_id}/replies", {"text": REPLY, "channel": "chat"})
    assert again.status_code == 201, again.content


def test_a_web_reply_while_the_database_is_locked_keeps_the_text_and_says_not_sent(
    world: World,
) -> None:
    conversation, owner = chat_with_owner()
    client = world.client_for(owner)
    url = f"/cases/{conversation.case_id}/reply/"
    form = {"text": REPLY, "channel": "chat"}
    with write_lock_held():
        htmx = client.post(url, form, headers={"HX-Request": "true"})
        plain = client.post(url, form)
    assert htmx.status_code == 503
    assert htmx["Retry-After"].isdigit()
    assert htmx["HX-Retarget"] == "#case-alerts"
    assert "your reply was not sent" in htmx.content.decode()
    assert plain.status_code == 503
    assert plain["Retry-After"].isdigit()
    page = plain.content.decode()
    assert "your reply was not sent" in page
    assert REPLY in page  # the composer holds what was typed
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()
    assert client.post(url, form).status_code == 302
    assert Message.objects.filter(direction=Direction.OUTBOUND, channel="chat").count() == 1


def test_the_chat_page_without_javascript_gives_the_line_back_when_the_database_is_locked(
    world: World,
) -> None:
    browser = Client()
    assert browser.post("/chat/", {"text": "Mila is coughing again"}).status_code == 302
    entries = ChatEntry.objects.count()
    with write_lock_held():
        refused = browser.post("/chat/", {"text": "She is 10 weeks old"})
    assert refused.status_code == 503
    assert refused["Retry-After"].isdigit()
    page = refused.content.decode()
    assert "Not sent: The desk is busy right now: your message was not sent" in page
    assert "She is 10 weeks old</textarea>" in page  # back in the box
    assert ChatEntry.objects.count() == entries


@pytest.mark.django_db
def test_a_write_waits_ten_seconds_for_a_lock_on_either_database() -> None:
    """The wait before the refusal above: long enough for a queue of writes ahead to drain, short
    enough that nobody's request hangs (PostgreSQL waits forever unless told)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
        else:
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone()[0] == "10s"


def test_the_chat_page_code_steps_while_the_database_is_locked_are_a_503(world: World) -> None:
    browser = Client()
    browser.post("/chat/", {"text": "Is the prescription ready?", "email": "maria@example.com"})
    with write_lock_held():
        asked = browser.post("/chat/", {"do": "email", "email": ""})
        typed = browser.post("/chat/", {"do": "code", "code": "123456"})
    for refused in (asked, typed):
        assert refused.status_code == 503
        assert refused["Retry-After"].isdigit()
        assert "The desk is busy right now" in refused.content.decode()
