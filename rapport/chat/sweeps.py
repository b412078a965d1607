"""The chat's sweep: a chat no person has answered within its business's
`chat_answer_minutes` is told so, once, with a call back or email offered instead.

Due conversations are found by the indexed `answer_due_at`; each is claimed with a
compare-and-set that clears it, inside its own transaction (`SweepItems`), so any number of
workers can sweep at once and none tells a customer twice.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from rapport.chat.actions.conversations import tell_nobody_free
from rapport.chat.honesty import answer_minutes, nobody_can_answer
from rapport.chat.models import Conversation, ConversationState
from rapport.jobs.items import SweepItems

BATCH = 500


def sweep_unanswered(*, now: datetime) -> dict[str, list[int]]:
    items = SweepItems("chat_unanswered", now=now)
    due = items.due(
        Conversation.objects.filter(answer_due_at__lte=now)
        .order_by("answer_due_at")
        .values_list("pk", flat=True),
        batch=BATCH,
    )
    told: list[int] = []
    for pk in due:
        with items.attempt(pk):
            if _check(pk, now=now):
                told.append(pk)
    return {"told": told, "deferred": items.deferred}


@transaction.atomic
def _check(pk: int, *, now: datetime) -> bool:
    if not Conversation.objects.filter(pk=pk, answer_due_at__lte=now).update(answer_due_at=None):
        return False  # another worker has it
    conversation = Conversation.objects.select_related("case__customer", "brand").get(pk=pk)
    if conversation.state != ConversationState.OPEN:
        return False
    if conversation.case.first_response_at is not None:
        return False
    reason = nobody_can_answer(conversation, now=now) or (
        f"Nobody has answered you within {answer_minutes(conversation)} minutes."
    )
    return tell_nobody_free(conversation=conversation, reason=reason, now=now) is not None
