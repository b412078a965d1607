"""Handing one mail to the SMTP server, with its refusals sorted into those worth trying again
(a 4xx answer, no connection) and those no retry will fix (a 5xx answer), and how long to wait
before the next attempt. Replies, agents' notifications and password-reset mail all use it."""

from __future__ import annotations

import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection


class TemporaryFailure(Exception):
    """A failure worth trying again: a 4xx answer or no connection to the server."""


class PermanentFailure(Exception):
    """A failure no retry will fix: a 5xx answer."""


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt `attempt`: the retry delay, doubling, at most 6 hours."""
    wait = timedelta(seconds=settings.RAPPORT_EMAIL_RETRY_SECONDS * 2 ** (attempt - 1))
    return min(wait, timedelta(hours=6))


def transmit(mail: EmailMessage) -> None:
    """Hand `mail` to the mail server; a refusal is a `PermanentFailure` (5xx) or a
    `TemporaryFailure` (4xx, no connection)."""
    try:
        connection = get_connection(fail_silently=False)
        connection.send_messages([mail])
    except smtplib.SMTPRecipientsRefused as exc:
        answers = list(exc.recipients.values())
        text = "; ".join(f"{code} {_text(reply)}" for code, reply in answers)
        if answers and all(400 <= code < 500 for code, _ in answers):
            raise TemporaryFailure(text) from exc
        raise PermanentFailure(text) from exc
    except smtplib.SMTPResponseException as exc:
        text = f"{exc.smtp_code} {_text(exc.smtp_error)}"
        if 500 <= exc.smtp_code < 600:
            raise PermanentFailure(text) from exc
        raise TemporaryFailure(text) from exc
    except (smtplib.SMTPException, OSError) as exc:
        # No connection, a dropped connection, a timeout: the server never said no.
        raise TemporaryFailure(f"{type(exc).__name__}: {exc}".strip(": ")) from exc


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
