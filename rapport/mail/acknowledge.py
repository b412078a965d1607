"""The task name of acknowledgments queued before they were written with their case: kept at
this path so such a job still runs (the acknowledgments themselves are written by
`rapport.mail.actions.acknowledgments`)."""

from __future__ import annotations

from django_tasks import task

from rapport.mail.actions.acknowledgments import queue_acknowledgment


@task()
def acknowledge_case(case_id: int) -> str:
    """Kept for jobs queued before acknowledgments were written with their case."""
    message = queue_acknowledgment(case_id=case_id)
    return "queued" if message is not None else "skipped"
