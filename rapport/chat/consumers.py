"""The customer's live connection at /chat/ws/TOKEN/: nudges only, never a message.

It joins the conversation's group and passes on what the group is told: `{"type": "new",
"seq": N}` (fetch after your cursor), the agent typing, and the agent's read mark. From the
customer it takes `{"type": "typing"}` (passed to the agent's screen, stored nowhere) and
`{"type": "seen", "seq": N}`; the customer's typing also reaches the agents watching the case
page (`case_group`) as a presence line. Everything the customer reads comes from the HTTP API, so a
dropped connection or a lost nudge loses nothing.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.http import Http404
from django.http.request import validate_host

from rapport.chat.access import conversation_for_token
from rapport.chat.actions.conversations import customer_saw
from rapport.chat.actions.typing import customer_typing_presence, remember_customer_typing
from rapport.chat.models import Conversation
from rapport.chat.visitor import VISITOR_COOKIE, visitor_from_cookie
from rapport.lib.nudges import case_group, chat_group


class ChatConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    conversation: Conversation
    group: str

    async def connect(self) -> None:
        token = str(self.scope["url_route"]["kwargs"]["token"])
        try:
            self.conversation = await database_sync_to_async(conversation_for_token)(
                token, visitor_id=_visitor(self.scope)
            )
        except Http404:
            await self.close(code=4404)
            return
        if not _origin_allowed(self.scope, self.conversation):
            await self.close(code=4403)  # another site's page may not open a customer's chat
            return
        self.group = chat_group(self.conversation.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if getattr(self, "group", ""):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "typing":
            await self.channel_layer.group_send(
                self.group, {"type": "nudge", "payload": {"type": "typing", "by": "customer"}}
            )
            # The agents on the case page see it as they see a colleague typing (live.js).
            await self.channel_layer.group_send(
                case_group(self.conversation.case_id),
                {"type": "nudge", "payload": customer_typing_presence(self.conversation)},
            )
            # And a case page without the socket sees it through its presence poll.
            await sync_to_async(remember_customer_typing)(self.conversation)
        elif kind == "seen" and isinstance(seq := content.get("seq"), int) and seq >= 0:
            await database_sync_to_async(customer_saw)(conversation=self.conversation, seq=seq)

    async def nudge(self, event: dict[str, Any]) -> None:
        payload = event.get("payload", {})
        if payload.get("by") == "customer":
            return  # their own typing and read marks: the agent's screen wants them, not theirs
        await self.send_json(payload)


def _origin_allowed(scope: dict[str, Any], conversation: Conversation) -> bool:
    """A browser's socket from this desk's own hosts or the brand's `chat_origins` (as the HTTP
    API allows); a client that is not a browser sends no Origin and is let through."""
    origin = next((v.decode("latin-1") for n, v in scope.get("headers", []) if n == b"origin"), "")
    if not origin:
        return True
    brand_origins = conversation.brand.chat_origins if conversation.brand else []
    if origin in {str(o).rstrip("/") for o in brand_origins}:
        return True
    return validate_host(urlsplit(origin).hostname or "", settings.ALLOWED_HOSTS)


def _visitor(scope: dict[str, Any]) -> str | None:
    """The visitor id in the signed cookie the HTTP API set, if the browser sent it."""
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            morsel = SimpleCookie(value.decode("latin-1")).get(VISITOR_COOKIE)
            return visitor_from_cookie(morsel.value if morsel is not None else None)
    return None
