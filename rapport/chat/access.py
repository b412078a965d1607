"""The conversation a widget's token names: a missing token and someone else's are one 404."""

from __future__ import annotations

from django.http import Http404

from rapport.chat.actions.conversations import hash_token
from rapport.chat.models import Conversation


def conversation_for_token(token: str, *, visitor_id: str | None) -> Conversation:
    """The conversation whose token this is. A browser that carries another visitor's cookie
    is refused too (a token copied out of someone else's page)."""
    found = (
        Conversation.objects.select_related("case__owner", "case__customer", "brand")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if found is None or (visitor_id is not None and found.visitor_id != visitor_id):
        raise Http404("No such conversation")
    return found
