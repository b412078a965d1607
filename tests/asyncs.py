"""Running an async test scenario (channels' WebsocketCommunicator) from a sync test."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from asgiref.sync import async_to_sync


def run_async(scenario: Callable[[], Awaitable[None]]) -> None:
    """Run `scenario` to completion in the test's thread, as `async_to_sync` does.

    Playwright's sync API (session-scoped, tests/browser) leaves its event loop marked as the
    thread's running loop between calls, for the rest of the run, and `async_to_sync` refuses
    to start another where one runs ("You cannot use AsyncToSync in the same thread as an async
    event loop"): these tests failed whenever a browser test had run before them. Nothing of
    Playwright's runs while the scenario does, so the mark is lifted for that time and put back.
    The thread stays the test's own, so sync code the scenario calls sees the test's database
    transaction.
    """
    parked = asyncio._get_running_loop()
    asyncio._set_running_loop(None)
    try:
        async_to_sync(scenario)()
    finally:
        asyncio._set_running_loop(parked)
