"""Thin jobs: load by id, call the action."""

from __future__ import annotations

from django_tasks import task


@task()
def process_inbound(inbound_id: int) -> str:
    from rapport.mail.actions import process_inbound_email

    return process_inbound_email(inbound_id=inbound_id).outcome
