"""The case page through the desk's socket, behind `rapport serve` with a Redis channel layer: a
message written in the database (here, by this test process, as the worker would) appears on the
open page within a couple of seconds, long before the slow safety poll; a colleague on the same
case is shown viewing, then typing."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from django.conf import settings as django_settings
from django.db import connections
from playwright.sync_api import Browser, Page, expect

from rapport.routing.actions.opening import receive_message
from tests.asgi_server import serving
from tests.browser.fixtures import DESKTOP
from tests.conftest import World
from tests.scale import conftest as scale

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
redis_url = scale.redis_url  # the scale tests' real redis-server on loopback
T = TypeVar("T")


@pytest.fixture
def desk(redis_url: str, settings: Any) -> Iterator[str]:
    """`rapport serve` sharing this process's Redis channel layer; polls at their defaults
    (10 s while the socket is down, 30 s while it is up)."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url]},
        }
    }
    with serving(redis_url=redis_url) as base:
        yield base


def _as_the_worker(write: Callable[[], T]) -> T:
    """`write` in a thread of its own, as another process would: Playwright's loop runs in this
    one, and the nudge after commit needs a thread without a running loop."""
    done: list[T] = []

    def run() -> None:
        try:
            done.append(write())
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return done[0]


def _signed_in(browser: Browser, world: World, agent: Any, base: str) -> Page:
    client = world.client_for(agent)
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    name = django_settings.SESSION_COOKIE_NAME
    context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": base}])
    return context.new_page()


def test_a_new_message_arrives_through_the_socket_and_colleagues_are_shown(
    browser: Browser, desk: str, world: World
) -> None:
    page = _signed_in(browser, world, world.agent, desk)
    page.goto(f"{desk}/cases/{world.case.pk}/")
    expect(page.locator("body")).to_have_attribute("data-live-socket", "up")
    time.sleep(0.5)  # the catch-up fetch on connecting is done

    started = time.monotonic()
    message = _as_the_worker(
        lambda: receive_message(case=world.case, text="Mila is coughing again.", channel="email")
    )
    arrived = page.locator(f'#timeline [data-message-id="{message.pk}"]')
    expect(arrived).to_be_visible(timeout=3_000)
    assert time.monotonic() - started < 3  # the slow poll is 30 s away
    expect(arrived).to_contain_text("Mila is coughing again.")

    ben = _signed_in(browser, world, world.colleague, desk)
    ben.goto(f"{desk}/cases/{world.case.pk}/")
    live = page.locator("#presence-live")
    expect(live).to_have_text(re.compile(r"Dr\. Ben Hale is viewing"), timeout=5_000)
    ben.fill("#reply-text", "Bring her in at nine.")
    expect(live).to_have_text(re.compile(r"Dr\. Ben Hale is typing…"), timeout=5_000)
    ben.context.close()
    expect(live).to_be_hidden(timeout=5_000)  # his socket closed: gone at once
    page.context.close()
