"""Nothing automated poses as a person: the customer is told "You are talking with Ana" only
once Ana has joined (her first reply), announced by a visibly automatic line."""

from __future__ import annotations

import pytest
from django.test import Client

from rapport.cases.actions.messages import reply
from rapport.cases.models import Case
from rapport.chat.models import Conversation
from tests.chat.conftest import Visitor
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_nobody_is_named_before_a_person_has_joined(world: World) -> None:
    visitor = Visitor()
    token = visitor.start("Mila is coughing").json()["conversation"]
    case = Case.objects.get(pk=Conversation.objects.get().case_id)
    assert case.owner is not None  # routing named an owner at once, who has not read it yet
    body = visitor.read(token).json()
    assert body["agent"] is None
    assert [m["direction"] for m in body["messages"]] == ["in"]


def test_the_first_reply_announces_the_agent_once_as_a_system_line(world: World) -> None:
    visitor = Visitor()
    token = visitor.start("Mila is coughing").json()["conversation"]
    case = Conversation.objects.get().case
    reply(case=case, text="Hello, I am here.", by=world.agent, channel="chat")
    reply(case=case, text="Is she eating?", by=world.agent, channel="chat")
    body = visitor.read(token).json()
    assert [(m["direction"], m["author"], m["text"]) for m in body["messages"]] == [
        ("in", "You", "Mila is coughing"),
        ("system", "", "Ana has joined"),
        ("out", "Dr. Ana Ortiz", "Hello, I am here."),
        ("out", "Dr. Ana Ortiz", "Is she eating?"),
    ]
    assert body["agent"] == {"name": "Dr. Ana Ortiz"}
    # A colleague who takes over is announced in turn, and named from then on.
    reply(case=case, text="Ben here, Ana's shift ended.", by=world.colleague, channel="chat")
    later = visitor.read(token, after=4).json()
    assert [(m["direction"], m["text"]) for m in later["messages"]] == [
        ("system", "Ben has joined"),
        ("out", "Ben here, Ana's shift ended."),
    ]
    assert later["agent"] == {"name": "Dr. Ben Hale"}


def test_the_page_names_the_person_only_once_they_have_joined(world: World) -> None:
    browser = Client()
    browser.post("/chat/", {"text": "Mila is coughing", "name": "Maria"})
    page = browser.get("/chat/").content.decode()
    assert "You are talking with" not in page
    assert "Ortiz" not in page
    reply(case=Conversation.objects.get().case, text="Hello", by=world.agent, channel="chat")
    page = browser.get("/chat/").content.decode()
    assert "You are talking with Dr. Ana Ortiz" in page
    assert "Ana has joined" in page and "Automatic message" in page


def test_the_page_says_the_queue_position_and_that_the_wait_cannot_be_estimated(
    world: World,
) -> None:
    browser = Client()
    before = browser.get("/chat/").content.decode()
    assert "A person can answer now." in before  # Ana and Ben work around the clock
    browser.post("/chat/", {"text": "Mila is coughing"})
    page = browser.get("/chat/").content.decode()
    # No chat was ever answered here: a place in the queue, and no made-up wait.
    assert "You are number 1 in the queue. We can&#x27;t estimate the wait." in page
    reply(case=Conversation.objects.get().case, text="Hello", by=world.agent, channel="chat")
    assert "in the queue" not in browser.get("/chat/").content.decode()
