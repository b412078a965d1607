"""Thin jobs: load by id, call the action."""

from __future__ import annotations

from django_tasks import task


@task()
def process_inbound(inbound_id: int) -> str:
    from rapport.mail.actions import BATCH, process_inbound_emails, take_batch

    batch = take_batch(first_id=inbound_id, size=BATCH)
    if not batch:
        return "settled already"  # by a job before this one, with the mail queued behind it
    return process_inbound_emails(inbound_ids=batch)[0].outcome
