"""Nudges: "something new, fetch it" told to the clients listening on a group, after commit.

A nudge never carries the message itself: every line is stored before anyone is told, and a
client fetches from its own cursor. The channel layer is at-most-once (a group message can be
dropped), so `nudge` never raises: a lost nudge only makes a client late, its slow safety poll
and its reconnect fetch catch up.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def chat_group(conversation_id: int) -> str:
    """The customer's chat (and agents watching it) listen here."""
    return f"chat.{conversation_id}"


def nudge(group: str, payload: dict[str, Any]) -> None:
    """Send `payload` to `group` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send_now(group, payload))


def send_now(group: str, payload: dict[str, Any]) -> None:
    """Send without waiting for a commit (ephemeral events: typing); never raises."""
    try:
        layer = get_channel_layer()
        if layer is None:
            return
        async_to_sync(layer.group_send)(group, {"type": "nudge", "payload": payload})
    except Exception:  # a lost nudge only makes a client late
        logger.warning("nudge to %s lost", group, exc_info=True)
