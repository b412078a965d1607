"""Recording a read of customer data or raw mail."""

from __future__ import annotations

from django.utils import timezone

from rapport.datacare.models import AccessKind, AccessLog
from rapport.lib.errors import Forbidden
from rapport.mail.models import InboundEmail
from rapport.people.models import Agent


def record_access(
    *,
    agent: Agent | None,
    kind: str,
    via: str,
    customer_id: int | None = None,
    inbound_email_id: int | None = None,
) -> AccessLog:
    """One insert, whatever was read; no transaction of its own (it joins the caller's)."""
    return AccessLog.objects.create(
        agent=agent,
        kind=kind,
        via=via,
        customer_id=customer_id,
        inbound_email_id=inbound_email_id,
    )


def read_raw_mail(row: InboundEmail, *, agent: Agent, via: str) -> bytes | None:
    """The exact bytes received (None once retention or erasure deleted them); the read is
    logged either way."""
    record_access(
        agent=agent,
        kind=AccessKind.RAW_MAIL,
        via=via,
        customer_id=row.customer_id,
        inbound_email_id=row.pk,
    )
    return None if row.raw_deleted_at is not None else bytes(row.raw)


def raw_deleted_notice(row: InboundEmail) -> str:
    when = timezone.localtime(row.raw_deleted_at or timezone.now()).strftime("%Y-%m-%d %H:%M %Z")
    return (
        f"The original of this mail was deleted on {when} (retention or erasure);"
        " the message itself stays on its case."
    )


def require_supervisor(by: Agent | None, what: str) -> None:
    """An operator at the command line (`by` None) or a supervisor; anyone else is refused."""
    if by is not None and not by.is_supervisor:
        raise Forbidden(f"Only a supervisor can {what}.")
