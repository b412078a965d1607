"""Thin jobs: load by id, do the one thing, record the outcome."""

from __future__ import annotations

import logging

from django_tasks import task

from rapport.cases import transports
from rapport.cases.actions.messages import mark_delivery
from rapport.cases.models import DeliveryStatus, Message
from rapport.people.models import Channel

logger = logging.getLogger("rapport.cases.tasks")


@task()
def deliver_message(message_id: int, attempt: int = 1) -> str:
    """Send one outbound message; a temporary SMTP failure queues attempt + 1 with backoff."""
    from rapport.mail.outbound import deliver_email

    message = (
        Message.objects.filter(pk=message_id, delivery_status=DeliveryStatus.QUEUED)
        .only("pk", "channel")
        .first()
    )
    if message is None:  # already delivered by an earlier run, or deleted
        return "skipped"
    if message.channel != Channel.EMAIL or transports.transport_for(message.channel) is None:
        # Nothing carries this channel: say so on the timeline, never "Sent".
        mark_delivery(
            message=message,
            status=DeliveryStatus.NOT_SENT,
            error=f"Nothing was sent: Rapport has no {message.channel} transport.",
        )
        return "not_sent"
    result = deliver_email(message_id=message_id, attempt=attempt)
    if result.outcome == "retry" and result.retry_at is not None:
        retry = deliver_message
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=result.retry_at)
        else:  # only the immediate backend (tests, `--batch` debugging) cannot wait
            logger.warning("Task backend cannot defer; retrying message %s now", message_id)
        retry.enqueue(message_id, attempt + 1)
    return result.outcome
