"""Typing, both ways: told to whoever listens now, remembered only for a few seconds.

The agent typing a reply on the case page (the desk's socket, `rapport/workspace/consumers.py`)
reaches the customer's socket as `{"type": "typing", "by": "agent", "name": first name}` and,
for a client without a socket, the poll answer's `agent_typing` (a cache entry that expires
after `RAPPORT_CHAT_TYPING_SECONDS`). The customer typing (their socket or the widget's HTTP
POST) reaches the agents watching the case page as a presence line, which `live.js` lets expire,
and, for a case page without the desk's socket (WSGI; its presence poll), a cache entry that
expires the same way (`customer_typing_now`). Nothing of it is stored in the database, and a
cache that cannot be reached (Redis down) loses only the hint, never the read or the reply
that asked for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

from rapport.cases.models import Case
from rapport.cases.saved_replies import first_name
from rapport.chat.models import Conversation, ConversationState
from rapport.lib.nudges import case_group, chat_group, send_now
from rapport.people.models import Agent, Channel

logger = logging.getLogger(__name__)
T = TypeVar("T")


def _agent_key(conversation_id: int) -> str:
    return f"rapport:chat:agent-typing:{conversation_id}"


def _customer_key(case_id: int) -> str:
    return f"rapport:chat:customer-typing:{case_id}"


def _hint(operation: Callable[[], T], otherwise: T) -> T:
    """A cache operation on a typing hint; `otherwise` when the cache is unreachable."""
    try:
        return operation()
    except RedisError as exc:
        logger.warning("Typing hint lost, the cache is unreachable: %s", exc)
        return otherwise


def agent_typing(*, case: Case, agent: Agent) -> None:
    """`agent` is typing a reply on `case`: its open chat (if any) is told, and its poll
    answer says so until the entry expires. The caller has checked the agent may open it."""
    if case.origin_channel != Channel.CHAT:
        return
    name = first_name(agent.display_name)
    for conversation_id in Conversation.objects.filter(
        case=case, state=ConversationState.OPEN
    ).values_list("pk", flat=True):
        seconds = settings.RAPPORT_CHAT_TYPING_SECONDS
        _hint(partial(cache.set, _agent_key(conversation_id), name, timeout=seconds), None)
        send_now(chat_group(conversation_id), {"type": "typing", "by": "agent", "name": name})


def agent_stopped_typing(conversation_id: int) -> None:
    """Their reply is in: the poll answer no longer says they are typing it."""
    _hint(partial(cache.delete, _agent_key(conversation_id)), False)


def agent_typing_now(conversation: Conversation) -> dict[str, str] | None:
    """Who of the desk is typing in this conversation now (`{"name"}`), or None."""
    name = _hint(partial(cache.get, _agent_key(conversation.pk)), None)
    return {"name": name} if isinstance(name, str) else None


def customer_typing_presence(conversation: Conversation) -> dict[str, Any]:
    """The customer typing, as a presence line for the agents' case page ("Maria is typing…";
    it expires there like a colleague's)."""
    return {
        "type": "presence",
        "case": conversation.case_id,
        "agent": f"chat-{conversation.pk}",
        "name": conversation.name or "The customer",
        "typing": True,
        "gone": False,
    }


def customer_typing(*, conversation: Conversation) -> None:
    """The customer is typing (the widget's HTTP POST): their other tabs' sockets and the agents
    watching the case page are told (live, and by its presence poll)."""
    send_now(chat_group(conversation.pk), {"type": "typing", "by": "customer"})
    send_now(case_group(conversation.case_id), customer_typing_presence(conversation))
    remember_customer_typing(conversation)


def remember_customer_typing(conversation: Conversation) -> None:
    """For a case page without the socket: its presence poll says so until the entry expires."""
    # As the socket's presence line names them (`customer_typing_presence`): live.js shows one.
    line = {"agent": f"chat-{conversation.pk}", "name": conversation.name or "The customer"}
    seconds = settings.RAPPORT_CHAT_TYPING_SECONDS
    _hint(partial(cache.set, _customer_key(conversation.case_id), line, timeout=seconds), None)


def customer_typing_now(case: Case) -> dict[str, str] | None:
    """The chat customer typing on `case` now (`{"agent", "name"}`, as their presence line),
    or None; no cache read for a case no chat opened."""
    if case.origin_channel != Channel.CHAT:
        return None
    line = _hint(partial(cache.get, _customer_key(case.pk)), None)
    return line if isinstance(line, dict) else None
