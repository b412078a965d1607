"""Thin jobs: load by id, do the one thing."""

from __future__ import annotations

from django_tasks import task


@task()
def send_password_reset(user_id: int) -> str:
    from rapport.people.passwords import mail_reset_link  # tasks load lazily, on the worker

    return mail_reset_link(user_id=user_id)
