"""A real Redis server on loopback for the scale tests; a missing server fails in CI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.redis_server import RedisServer


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with RedisServer() as redis:
        yield redis.url
