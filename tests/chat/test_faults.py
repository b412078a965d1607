"""Faults on the live path, behind `rapport serve` with a real Redis: the socket only nudges, so
a dropped nudge or a dead channel layer makes the customer late, never short of a line.

The customer here is a client doing what chat.js does (a cursor; fetch after it on a nudge and
by its safety poll); the agent replies through the API, as `bench/chat.py` does.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.cookiejar import CookieJar
from typing import Any
from urllib.error import HTTPError
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest
from django.db import connections
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from rapport.cases.actions.messages import reply
from rapport.cases.models import Case
from rapport.chat.models import ChatEntry
from rapport.people.actions.security import issue_api_token
from tests.asgi_server import serving
from tests.conftest import World
from tests.redis_server import RedisServer

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


class Customer:
    """One visitor's browser against the real server: its cookie jar and its cursor."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.jar))
        self.token = ""
        self.case_id = 0
        self.cursor = 0
        self.seqs: list[int] = []
        self.texts: list[str] = []

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = Request(  # noqa: S310 - our own loopback server
            self.base + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with self.opener.open(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except HTTPError as refused:
            return refused.code, refused.read().decode()

    def start(self, text: str) -> None:
        status, body = self.call("POST", "/chat/api/conversations", {"text": text})
        assert status == 201, body
        self.token, self.case_id = body["conversation"], body["case_id"]

    def say(self, text: str) -> None:
        status, body = self.call(
            "POST", f"/chat/api/conversations/{self.token}/messages", {"text": text}
        )
        assert status == 201, body

    def fetch(self) -> list[str]:
        """GET after the cursor; what came, each line checked to be new and next in order."""
        path = f"/chat/api/conversations/{self.token}/messages?after={self.cursor}"
        status, body = self.call("GET", path)
        assert status == 200, body
        came = []
        for line in body["messages"]:
            assert line["seq"] == self.cursor + 1, (self.cursor, line)  # no gap, no repeat
            self.cursor = line["seq"]
            self.seqs.append(line["seq"])
            self.texts.append(line["text"])
            came.append(line["text"])
        return came

    def socket(self, *, retry_for: float = 0) -> ClientConnection:
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.jar)
        url = self.base.replace("http://", "ws://") + f"/chat/ws/{self.token}/"
        deadline = time.monotonic() + retry_for
        while True:
            try:
                return connect(url, additional_headers={"Cookie": cookie}, open_timeout=10)
            except (InvalidStatus, TimeoutError):
                # Refused, or no handshake within 10 s (the server's first group_add after a
                # Redis restart waits out its dead pooled connection): chat.js tries again too.
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)


def agent_reply(base: str, token: str, case_id: int, text: str) -> int:
    """`POST /api/v1/cases/{id}/replies` with channel chat; the answer's status."""
    request = Request(  # noqa: S310 - our own loopback server
        f"{base}/api/v1/cases/{case_id}/replies",
        data=json.dumps({"text": text, "channel": "chat"}).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with build_opener().open(request, timeout=30) as answer:
            return int(answer.status)
    except HTTPError as refused:
        return refused.code


def nudges(ws: ClientConnection, *, within: float) -> list[dict[str, Any]]:
    """Every nudge the socket brings within `within` seconds."""
    came: list[dict[str, Any]] = []
    deadline = time.monotonic() + within
    while (left := deadline - time.monotonic()) > 0:
        try:
            came.append(json.loads(ws.recv(timeout=left)))
        except TimeoutError:
            break
    return [n for n in came if n.get("type") == "new"]


def wait_until(check: Callable[[], bool], *, within: float, every: float = 0.3) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return check()


def owner_token(case_id: int) -> str:
    owner = Case.objects.select_related("owner__user").get(pk=case_id).owner
    assert owner is not None  # routed to a named person
    return issue_api_token(agent=owner, name="fault test").raw


@pytest.fixture
def redis(world: World) -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture
def desk(redis: RedisServer) -> Iterator[str]:
    """`rapport serve` (two workers) with its channel layer on a Redis the test can kill."""
    with serving(redis_url=redis.url, workers=2) as base:
        yield base


def test_an_idle_customer_socket_outlives_the_layers_blocking_read(desk: str) -> None:
    """channels_redis waits for a group message with a 5 s blocking read; redis-py 8 reads with
    a 5 s socket timeout by default, so every idle consumer died of TimeoutError after ~5 s
    (django/channels_redis#422) and its customer heard nothing until the next safety poll."""
    customer = Customer(desk)
    customer.start("Hello, anyone there?")
    token = owner_token(customer.case_id)
    with customer.socket() as ws:
        time.sleep(8)  # idle past the blocking read, twice over on a slow machine's clock
        assert agent_reply(desk, token, customer.case_id, "Yes, Ana here.") == 201
        # The automatic "… has joined" line, then the reply.
        assert nudges(ws, within=5) == [{"type": "new", "seq": 2}, {"type": "new", "seq": 3}]
    assert _people(customer.fetch()) == ["Hello, anyone there?", "Yes, Ana here."]


def test_every_nudge_dropped_the_customer_is_late_and_misses_nothing(
    desk: str, world: World
) -> None:
    """The agent's replies are written by another process whose nudges reach no socket (this
    test's in-memory layer, as `rapport worker`'s without Redis) while the customer keeps
    writing over HTTP: the customer's client gets every line from its cursor by its poll, each
    once, in the order stored."""
    customer = Customer(desk)
    customer.start("First line")
    case = Case.objects.get(pk=customer.case_id)
    owner = case.owner
    assert owner is not None
    replies = [f"Reply {i}" for i in range(8)]

    def agent() -> None:
        try:
            for text in replies:
                reply(case=case, text=text, by=owner, channel="chat")
        finally:
            connections.close_all()

    with customer.socket() as ws:
        writer = threading.Thread(target=agent)
        writer.start()
        for i in range(8):
            customer.say(f"Customer line {i}")
            customer.fetch()  # the safety poll, at any moment
        writer.join(timeout=60)
        heard = {n["seq"] for n in nudges(ws, within=1)}
    # 8 + 8 lines, the first, and the automatic line saying the agent joined.
    assert wait_until(lambda: bool(customer.fetch()) or customer.cursor == 18, within=10)

    stored = list(
        ChatEntry.objects.filter(conversation__case=case)
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    assert stored == list(range(1, 19))
    assert customer.seqs == stored  # every line once, in order
    assert [t for t in customer.texts if t.startswith("Reply")] == replies
    assert [t for t in customer.texts if t.startswith("Customer")] == [
        f"Customer line {i}" for i in range(8)
    ]
    agent_seqs = set(
        ChatEntry.objects.filter(conversation__case=case, kind="out").values_list("seq", flat=True)
    )
    assert not heard & agent_seqs  # no nudge reached the socket for them: the poll brought them


def test_redis_killed_mid_conversation_the_replies_arrive_late_in_order_once(
    desk: str, redis: RedisServer
) -> None:
    """The channel layer's Redis dies mid-conversation: the agent's replies are still stored
    (the write never waits on a nudge), the customer's client gets them from its cursor by its
    poll, and once Redis is back a new socket is nudged again."""
    customer = Customer(desk)
    customer.start("My order never came")
    token = owner_token(customer.case_id)
    with customer.socket() as ws:
        assert agent_reply(desk, token, customer.case_id, "Looking now.") == 201
        # Live while Redis runs: the automatic "… has joined" line, then the reply.
        assert [n["seq"] for n in nudges(ws, within=5)] == [2, 3]
        assert _people(customer.fetch()) == ["My order never came", "Looking now."]

        redis.stop()
        assert agent_reply(desk, token, customer.case_id, "Found it: it left today.") == 201
        assert agent_reply(desk, token, customer.case_id, "Tracking number to follow.") == 201
        with pytest.raises((ConnectionClosed, TimeoutError)):
            ws.recv(timeout=2)  # no nudge comes (the socket may be closed by the server)

    assert wait_until(lambda: bool(customer.fetch()), within=10)  # the fallback poll
    assert customer.texts[3:] == ["Found it: it left today.", "Tracking number to follow."]

    redis.start()  # empty: no group remembers the old socket
    # As chat.js: connect (trying again until let in) and fetch on open; when the socket drops
    # (the server's first read of the new Redis can still meet a dead pooled connection and
    # close it), fetch and connect again. Every reply arrives once, in order, whichever way, and
    # a socket of the new Redis is nudged live.
    live = False
    for attempt in range(3):
        with customer.socket(retry_for=40) as ws:
            assert customer.fetch() == []  # the fetch on (re)connect: nothing missed, nothing twice
            text = f"It is 1Z99{attempt}."
            assert agent_reply(desk, token, customer.case_id, text) == 201
            try:
                came = [n["seq"] for n in nudges(ws, within=5)]
            except ConnectionClosed:
                assert customer.fetch() == [text]  # chat.js's fetch when its socket closes
                continue
            assert came == [customer.seqs[-1] + 1]
            assert customer.fetch() == [text]
            live = True
            break
    assert live, "no socket of the restarted Redis was nudged"
    assert customer.seqs == list(range(1, len(customer.seqs) + 1))


def _people(texts: list[str]) -> list[str]:
    """The lines people wrote, without the automatic "Ana has joined"."""
    return [t for t in texts if not t.endswith(" has joined")]
