"""Nudges: "something new, fetch it" told to the clients listening on a group, after commit.

A nudge never carries the message itself: every line is stored before anyone is told, and a
client fetches from its own cursor (the agent pages: their ETag-polled fragments, `live.js`).
The channel layer is at-most-once (a group message can be dropped, and the in-memory layer
reaches only its own process), so `nudge` never raises: a lost nudge only makes a client late,
its slow safety poll and its reconnect fetch catch up.

Groups (the consumers join them after checking who may listen):
- `agent_group(id)`: one agent's own things (their notifications, cases they own);
- `team_group(id)`: a team's queue (a new case or message on one of its cases);
- `case_group(id)`: a case page (a new message or change; who is viewing or typing);
- `chat_group(id)`: a customer's chat conversation.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def agent_group(agent_id: int) -> str:
    return f"agent.{agent_id}"


def team_group(team_id: int) -> str:
    return f"team.{team_id}"


def case_group(case_id: int) -> str:
    return f"case.{case_id}"


def chat_group(conversation_id: int) -> str:
    """The customer's chat (and agents watching it) listen here."""
    return f"chat.{conversation_id}"


def nudge(group: str, payload: dict[str, Any]) -> None:
    """Send `payload` to `group` once the current transaction commits (at once outside one);
    nothing when it rolls back."""
    transaction.on_commit(lambda: send_now(group, payload))


def nudge_each(nudges: Iterable[tuple[str, dict[str, Any]]]) -> None:
    """`nudge` for a batch (each group once, the first payload given for it): one callback."""
    batch: dict[str, dict[str, Any]] = {}
    for group, payload in nudges:
        batch.setdefault(group, payload)
    if batch:
        transaction.on_commit(lambda: _send(list(batch.items())))


def send_now(group: str, payload: dict[str, Any]) -> None:
    """Send without waiting for a commit (ephemeral events: typing); never raises."""
    _send([(group, payload)])


def _send(nudges: list[tuple[str, dict[str, Any]]]) -> None:
    try:
        layer = get_channel_layer()
        if layer is None:
            return

        async def send_all() -> None:
            for group, payload in nudges:
                try:
                    await layer.group_send(group, {"type": "nudge", "payload": payload})
                except Exception:  # a lost nudge only makes a client late
                    logger.debug("nudge to %s lost", group, exc_info=True)

        async_to_sync(send_all)()
    except Exception:  # no loop to send from, a layer that will not start: clients are late
        logger.debug("nudges to %s lost", [group for group, _ in nudges], exc_info=True)
