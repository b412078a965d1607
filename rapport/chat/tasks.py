"""Thin jobs: load by id, call the chat's code."""

from __future__ import annotations

from django_tasks import task


@task()
def mail_email_link(conversation_id: int, address: str) -> str:
    """Mail the link that confirms a chat's visitor holds `address` (continue by email)."""
    # On the worker, when it runs: the action that queues this imports this module.
    from rapport.chat.email_link import mail_link

    return mail_link(conversation_id=conversation_id, address=address)
