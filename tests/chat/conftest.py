"""A visitor's browser talking to the chat widget's API, as the widget's script would."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connection
from django.test import Client

from rapport.asgi import application
from rapport.chat.models import Conversation
from rapport.people.models import Agent

BASE = "/chat/api/conversations"


class Visitor:
    """One browser: its own cookie jar (the signed visitor cookie)."""

    def __init__(self, origin: str = "") -> None:
        self.client = Client()
        self.headers = {"Origin": origin} if origin else {}

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(
            path, json.dumps(body), content_type="application/json", headers=self.headers
        )

    def start(self, text: str = "Hello, is anyone there?", **fields: Any) -> Any:
        return self.post(BASE, {"text": text, **fields})

    def say(self, token: str, text: str, **fields: Any) -> Any:
        return self.post(f"{BASE}/{token}/messages", {"text": text, **fields})

    def read(self, token: str, after: int | str = 0) -> Any:
        return self.client.get(f"{BASE}/{token}/messages", {"after": after}, headers=self.headers)

    def saw(self, token: str, seq: int) -> Any:
        return self.post(f"{BASE}/{token}/seen", {"seq": seq})


def start_chat(
    text: str = "Is the rye in today?", name: str = "Maria"
) -> tuple[Visitor, str, Conversation]:
    """A visitor who started a chat: them, their token and the conversation (the newest)."""
    visitor = Visitor()
    token = visitor.start(text, name=name).json()["conversation"]
    return visitor, token, Conversation.objects.latest("pk")


def chat_with_owner() -> tuple[Conversation, Agent]:
    """A visitor's new chat and the agent it was routed to."""
    _, _, conversation = start_chat()
    owner = conversation.case.owner
    assert owner is not None
    return conversation, owner


def desk_socket(agent_client: Client) -> WebsocketCommunicator:
    """`/ws/desk/` through the whole ASGI application, signed in as `agent_client`'s agent."""
    session = agent_client.cookies[settings.SESSION_COOKIE_NAME].value
    return WebsocketCommunicator(
        application,
        "/ws/desk/",
        headers=[
            (b"origin", b"http://localhost"),
            (b"host", b"localhost"),
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={session}".encode()),
        ],
    )


@contextmanager
def write_lock_held() -> Iterator[None]:
    """Another process's write locks on the desk's database, and a short wait for this one (10 s
    in the settings), so a write here gives up quickly: SQLite's "database is locked", or
    PostgreSQL's lock timeout (every table locked against writes, reads still allowed)."""
    if connection.vendor == "sqlite":
        with _sqlite_write_lock():
            yield
    else:
        with _postgresql_write_locks():
            yield


@contextmanager
def _sqlite_write_lock() -> Iterator[None]:
    with connection.cursor() as cursor:
        timeout = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
        cursor.execute("PRAGMA busy_timeout = 100")
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=10, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(timeout)}")


@contextmanager
def _postgresql_write_locks() -> Iterator[None]:
    db = connection.settings_dict
    tables = ", ".join(f'"{name}"' for name in connection.introspection.table_names())
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '100ms'")
    with psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
    ) as other:
        other.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")  # held until the rollback
        try:
            yield
        finally:
            other.rollback()
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
