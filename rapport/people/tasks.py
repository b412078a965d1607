"""Thin jobs: load by id, do the one thing."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger("rapport.people.tasks")


@task()
def send_password_reset(user_id: int, attempt: int = 1) -> str:
    """Mail a reset link; a temporary failure (4xx, no connection) is tried again later, with
    a fresh link, up to RAPPORT_EMAIL_MAX_ATTEMPTS, so a mail server's bad minute loses no
    request."""
    # Tasks load lazily, on the worker.
    from django.conf import settings
    from django.utils import timezone

    from rapport.lib.smtp import TemporaryFailure, backoff
    from rapport.people.passwords import mail_reset_link

    try:
        return mail_reset_link(user_id=user_id)
    except TemporaryFailure as exc:
        if attempt >= settings.RAPPORT_EMAIL_MAX_ATTEMPTS:
            logger.error("Password reset mail for user %s not sent: %s", user_id, exc)
            return f"not sent after {attempt} attempts: {exc}"
        retry = send_password_reset
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=timezone.now() + backoff(attempt))
        retry.enqueue(user_id, attempt + 1)
        return f"retry: {exc}"
