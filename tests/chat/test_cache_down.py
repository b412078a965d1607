"""With the cache's Redis unreachable the chat goes on: rate limits are not counted and the
typing hint is lost, but the customer's lines, their fallback poll and the agent's reply are
served (each of these answered 500 before)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from rapport.chat.models import Conversation
from rapport.people.actions.security import issue_api_token
from tests.asgi_server import free_port
from tests.chat.conftest import Visitor
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _cache_down(settings: Any) -> None:
    nobody = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": nobody}
    }


def test_the_customer_is_served_while_the_caches_redis_is_down(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    visitor = Visitor()
    started = visitor.start("Is anyone there?")
    assert started.status_code == 201
    token = started.json()["conversation"]
    _cache_down(settings)
    assert visitor.say(token, "Hello?").status_code == 201  # counted per address and chat
    read = visitor.read(token)
    assert read.status_code == 200
    # (Nobody works on this desk: the automatic line saying so comes between.)
    lines = [m["text"] for m in read.json()["messages"] if m["direction"] != "system"]
    assert lines == ["Is anyone there?", "Hello?"]
    assert "not counted, the cache is unreachable" in caplog.text


def test_the_agents_chat_reply_is_stored_while_the_caches_redis_is_down(
    settings: Any, world: World
) -> None:
    visitor = Visitor()
    token = visitor.start("Where is my order?").json()["conversation"]
    case = Conversation.objects.get().case
    assert case.owner is not None
    key = issue_api_token(agent=case.owner, name="test").raw
    _cache_down(settings)
    answer = Client().post(
        f"/api/v1/cases/{case.pk}/replies",
        json.dumps({"text": "It left today.", "channel": "chat"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert answer.status_code == 201, answer.content
    lines = visitor.read(token).json()["messages"]
    assert [(m["direction"], m["text"]) for m in lines][-1] == ("out", "It left today.")
