"""Counting a request against a rate in the cache, served when the cache cannot be reached.

With REDIS_URL the counts live in Redis, beside the live pages' channel layer. When Redis is
down a count cannot be taken; refusing every request would take the desk down with it (the chat
customer's fallback poll, the agents' replies, the API), so the request is served uncounted and
the outage logged. The limits are abuse control; sign-in lockouts are kept in the database
(django-axes) whatever the cache does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django_ratelimit.core import get_usage
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def usage(
    request: HttpRequest,
    *,
    group: str,
    key: Callable[[str, HttpRequest], str],
    rate: str,
    increment: bool,
) -> dict[str, Any] | None:
    """django-ratelimit's usage of `rate` (None when not limited or not countable)."""
    try:
        found: dict[str, Any] | None = get_usage(
            request, group=group, key=key, rate=rate, increment=increment
        )
    except RedisError as exc:
        logger.warning("Rate limit %s not counted, the cache is unreachable: %s", group, exc)
        return None
    return found
