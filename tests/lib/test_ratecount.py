"""With the cache's Redis unreachable, rate limits are not counted and the request is served:
the chat customer's fallback poll and the agents' replies go on through a Redis outage."""

from __future__ import annotations

from typing import Any

import pytest

from tests.asgi_server import free_port
from tests.chat.conftest import Visitor

pytestmark = pytest.mark.django_db


def test_a_chat_is_served_while_the_caches_redis_is_down(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    visitor = Visitor()
    started = visitor.start("Is anyone there?")
    assert started.status_code == 201
    token = started.json()["conversation"]
    nobody = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": nobody}
    }
    assert visitor.say(token, "Hello?").status_code == 201  # counted per address and chat
    assert [m["text"] for m in visitor.read(token).json()["messages"]] == [
        "Is anyone there?",
        "Hello?",
    ]
    assert "not counted, the cache is unreachable" in caplog.text
