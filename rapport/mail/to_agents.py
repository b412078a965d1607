"""Mail to agents (their notifications) and a chat visitor's code: one attempt to send a
queued `AgentMail`, and the outbox sweep's share of it (what is due again, what a dead worker
left sending).

A mail is claimed (queued -> sending, compare-and-set) before it is sent, so of the job and the
sweep only one sends it. A 5xx answer fails it at once; a 4xx or no connection queues it again
with backoff, up to RAPPORT_EMAIL_MAX_ATTEMPTS, then fails it.
"""

from __future__ import annotations

import email.utils
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from rapport.lib.smtp import PermanentFailure, TemporaryFailure, backoff, transmit
from rapport.mail.actions.outbox import claim_agent_mail, settle_agent_mail
from rapport.mail.models import AgentMail, AgentMailStatus
from rapport.mail.outbound import OUTBOX_BATCH, OUTBOX_GRACE, own_address


def deliver(*, mail_id: int, now: datetime | None = None) -> str:
    """One attempt: sent, failed, retry or skipped (not queued, or another worker has it)."""
    when = now or timezone.now()
    mail = AgentMail.objects.filter(pk=mail_id, status=AgentMailStatus.QUEUED).first()
    if mail is None or not claim_agent_mail(mail=mail, now=when):
        return "skipped"
    attempt = mail.attempts + 1
    try:
        transmit(_email(mail))
    except TemporaryFailure as exc:
        limit = settings.RAPPORT_EMAIL_MAX_ATTEMPTS
        if attempt >= limit:
            error = f"Not delivered after {attempt} attempts: {exc}"
            settle_agent_mail(mail=mail, status=AgentMailStatus.FAILED, error=error, at=when)
            return "failed"
        error = f"Attempt {attempt} of {limit} failed ({exc})"
        settle_agent_mail(
            mail=mail, status=AgentMailStatus.QUEUED, error=error, at=when + backoff(attempt)
        )
        return "retry"
    except PermanentFailure as exc:
        error = f"Refused by the mail server: {exc}"
        settle_agent_mail(mail=mail, status=AgentMailStatus.FAILED, error=error, at=when)
        return "failed"
    except ValueError as exc:  # a header Django will not write (BadHeaderError): no retry helps
        error = f"Could not be written as a mail: {exc}"
        settle_agent_mail(mail=mail, status=AgentMailStatus.FAILED, error=error, at=when)
        return "failed"
    settle_agent_mail(mail=mail, status=AgentMailStatus.SENT, at=timezone.now())
    return "sent"


def _email(mail: AgentMail) -> EmailMessage:
    local, domain = own_address()
    sender = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or f"{local}@{domain}"
    return EmailMessage(
        subject=mail.subject,
        body=mail.text,
        from_email=email.utils.formataddr((settings.SITE_NAME, sender)),
        to=[mail.to],
        # RFC 3834: written by the desk, not a person; nobody's auto-reply should answer it.
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )


def sweep_agent_mail(*, now: datetime) -> dict[str, list[int]]:
    """Send what is due again (a retry, or a mail whose job was lost) and queue again what a
    dead worker left sending (failed once it has had every attempt)."""
    stuck = AgentMail.objects.filter(
        status=AgentMailStatus.SENDING, next_attempt_at__lte=now - OUTBOX_GRACE
    ).values_list("pk", "next_attempt_at", "attempts", "agent_id")
    gave_up: list[int] = []
    for pk, since, attempts, agent_id in stuck[:OUTBOX_BATCH]:
        mine = AgentMail.objects.filter(
            pk=pk, status=AgentMailStatus.SENDING, next_attempt_at=since
        )
        if attempts >= settings.RAPPORT_EMAIL_MAX_ATTEMPTS:
            error = f"Not confirmed after {attempts} attempts: the worker stopped while sending."
            forget = {"subject": "", "text": "", **({} if agent_id else {"to": ""})}
            if mine.update(status=AgentMailStatus.FAILED, error=error, **forget):
                gave_up.append(pk)
        else:
            mine.update(status=AgentMailStatus.QUEUED, next_attempt_at=now)
    due = AgentMail.objects.filter(status=AgentMailStatus.QUEUED, next_attempt_at__lte=now)
    outcomes: dict[str, list[int]] = {"sent": [], "retry": [], "failed": gave_up}
    for pk in due.order_by("next_attempt_at").values_list("pk", flat=True)[:OUTBOX_BATCH]:
        outcome = deliver(mail_id=pk, now=now)
        if outcome in outcomes:
            outcomes[outcome].append(pk)
    return outcomes
