"""Desk configuration read on every arriving case, remembered for a few seconds per process.

Routing a new case needs every agent with their teams and site closures, and its deadlines need
the SLA policies and the serving site's closures. These change a few times a day and are read
on every arrival, so each is kept for RAPPORT_ROUTING_LOAD_TTL seconds (the same freshness as
the open-case counts routing already uses; 0 turns remembering off, as the tests do). A change
saved in this process forgets everything at once (the signals in `apps.py`); another process
sees it within the TTL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings

T = TypeVar("T")
_lock = threading.Lock()
_values: dict[str, tuple[float, Any]] = {}


def remembered(key: str, load: Callable[[], T]) -> T:
    """`load()`, or what it returned less than RAPPORT_ROUTING_LOAD_TTL seconds ago."""
    ttl = settings.RAPPORT_ROUTING_LOAD_TTL
    if not ttl:
        return load()
    with _lock:
        hit = _values.get(key)
    if hit is not None and time.monotonic() - hit[0] < ttl:
        value: T = hit[1]
        return value
    value = load()
    with _lock:
        _values[key] = (time.monotonic(), value)
    return value


def forget(*_args: Any, **_kwargs: Any) -> None:
    """Drop everything remembered (a signal receiver, hence the arguments)."""
    with _lock:
        _values.clear()
