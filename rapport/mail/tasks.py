"""Thin jobs: load by id, call the action."""

from __future__ import annotations

from django_tasks import task


@task()
def process_inbound(inbound_id: int) -> str:
    from rapport.mail.actions import BATCH, process_inbound_emails, take_batch

    results = process_inbound_emails(inbound_ids=take_batch(first_id=inbound_id, size=BATCH))
    return results[0].outcome if results and results[0].inbound_id == inbound_id else "missing"
