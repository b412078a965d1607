"""Thin jobs: load by id, call the action."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger("rapport.mail.tasks")


@task()
def process_inbound(inbound_id: int) -> str:
    # On the worker, when it runs: the intake path imports this module to queue the job.
    from rapport.mail.queue import run_intake_job

    return run_intake_job(inbound_id=inbound_id)


@task()
def deliver_message(message_id: int, attempt: int = 1) -> str:
    """Send one outbound message (with its files: an invitation's .ics is one); a temporary
    failure queues attempt + 1 with backoff. Every message to a customer goes this way."""
    # Lazy: the outbox (which enqueues this task) is imported by the delivery path below.
    from rapport.mail.outbound import deliver

    result = deliver(message_id=message_id, attempt=attempt)
    if result.outcome == "retry" and result.retry_at is not None:
        retry = deliver_message
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=result.retry_at)
        else:  # only the immediate backend (tests, `--batch` debugging) cannot wait
            logger.warning("Task backend cannot defer; retrying message %s now", message_id)
        retry.enqueue(message_id, attempt + 1)
    return result.outcome


@task()
def deliver_agent_mail(mail_id: int) -> str:
    """Send one mail to an agent (their notifications); a temporary failure is tried again by
    the outbox sweep, with backoff."""
    from rapport.mail.to_agents import deliver  # lazy, as above

    return deliver(mail_id=mail_id)
