"""One web process holds many customers' sockets, and channels_redis gives them one shared
inbox: at its default capacity (100 waiting) a burst of nudges to a busy process was dropped."""

from __future__ import annotations

import pytest
from channels_redis.core import RedisChannelLayer  # type: ignore[import-untyped]
from django.conf import settings

from tests.asyncs import run_async
from tests.scale import conftest as scale

pytestmark = pytest.mark.integration
redis_url = scale.redis_url  # the scale tests' real redis-server on loopback


def test_a_burst_of_nudges_reaches_every_socket_of_one_process(redis_url: str) -> None:
    sockets = 300

    async def scenario() -> None:
        layer = RedisChannelLayer(hosts=[redis_url], capacity=settings.RAPPORT_CHANNEL_CAPACITY)
        channels = [await layer.new_channel() for _ in range(sockets)]
        for i, channel in enumerate(channels):
            await layer.group_add(f"chat.burst{i}", channel)
        for i in range(sockets):  # the process is busy: nobody reads while they come
            await layer.group_send(f"chat.burst{i}", {"type": "nudge", "payload": {"seq": i}})
        came = [await layer.receive(channel) for channel in channels]
        assert [m["payload"]["seq"] for m in came] == list(range(sockets))
        await layer.flush()

    run_async(scenario)
