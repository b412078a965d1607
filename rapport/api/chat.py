"""/cases/{id}/chat/seen: the desk's read mark on a live chat, for an integration that shows the
chat to an agent (the same action as the case page's, docs/chat.md)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from rapport.api.auth import agent_of
from rapport.api.customers import WRITE_ERRORS
from rapport.api.schemas.base import Id, Input
from rapport.cases.access import case_for_agent
from rapport.chat.actions.conversations import agent_saw_message

router = Router(tags=["chat"])


class ChatSeenIn(Input):
    message_id: int = Field(ge=1, description="The newest message of the case the agent is shown.")


class ChatSeenOut(Schema):
    agent_seen_seq: int | None = Field(
        description=(
            "How far the desk has now seen the chat (a line number; it never moves back); "
            "null: the message is no chat line of this case."
        )
    )


@router.post(
    "/cases/{int:case_id}/chat/seen",
    response={200: ChatSeenOut, **WRITE_ERRORS},
    summary="Mark a live chat seen by the desk",
)
def chat_seen(request: HttpRequest, case_id: Id, payload: ChatSeenIn) -> ChatSeenOut:
    """The customer's chat lines up to that message read "Seen" in their chat."""
    case = case_for_agent(agent_of(request), case_id)
    return ChatSeenOut(agent_seen_seq=agent_saw_message(case=case, message_id=payload.message_id))
