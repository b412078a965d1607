"""Thin jobs: load by id, call the action."""

from __future__ import annotations

from django_tasks import task


@task()
def process_inbound(inbound_id: int) -> str:
    from rapport.mail.queue import run_intake_job

    return run_intake_job(inbound_id=inbound_id)
