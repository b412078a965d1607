"""The only functions that change inbound email: store raw first, then process exactly once.

`store_inbound_email(s)` commits the exact bytes before anything else and queues processing on
commit. `process_inbound_email(s)` (rapport/mail/processing.py) parses, identifies the customer,
threads the mail into a case and records the outcome on the row, a batch in one transaction; a
mail that fails is rolled back alone and recorded with the error and the attempt count, to be
retried by the sweep (with backoff) or by a person. The sweep also re-queues rows that nobody
processed, so a worker killed at any moment loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rapport.lib.bulk import insert_each
from rapport.lib.errors import ActionError, Conflict
from rapport.mail.intake import clean_text, read_headers
from rapport.mail.models import RETRYABLE, InboundEmail, InboundStatus, Source
from rapport.mail.processing import process_inbound_email, process_inbound_emails
from rapport.mail.queue import stale_after, take_batch
from rapport.mail.tasks import process_inbound
from rapport.people.models import Agent

logger = logging.getLogger("rapport.mail")

SWEEP_BATCH = 500
BATCH = 100  # mails stored or processed in one transaction

__all__ = [  # processing, offered beside storing, retrying and the sweep
    "process_inbound_email",
    "process_inbound_emails",
    "take_batch",
]


# -- Storing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrival:
    """One mail as it arrived: the exact bytes and the envelope around them."""

    raw: bytes
    envelope_from: str = ""
    envelope_to: Sequence[str] = ()
    source_ref: str = ""
    received_at: datetime | None = None


class MessageTooBig(ActionError):
    """A mail over RAPPORT_INBOUND_MAX_BYTES: refused on every way in, nothing stored."""


def check_size(raw: bytes, *, name: str = "The message") -> None:
    """Raise MessageTooBig for a mail over RAPPORT_INBOUND_MAX_BYTES (the one limit for SMTP,
    IMAP, the pipe and the webhook)."""
    limit = settings.RAPPORT_INBOUND_MAX_BYTES
    if len(raw) > limit:
        raise MessageTooBig(
            f"{name} is {len(raw):,} bytes, over the limit of {limit:,} "
            "(RAPPORT_INBOUND_MAX_BYTES); nothing was stored."
        )


def store_inbound_email(
    *,
    raw: bytes,
    source: str,
    envelope_from: str = "",
    envelope_to: Iterable[str] = (),
    source_ref: str = "",
    received_at: datetime | None = None,
    enqueue: bool = True,
) -> InboundEmail:
    """Keep the exact bytes and envelope; processing is queued once this has committed.

    With `enqueue=False` the caller processes the row itself (`rapport ingest-email --json`);
    either way the sweep picks the row up if nobody has processed it a minute later.
    """
    arrival = Arrival(raw, envelope_from, tuple(envelope_to), source_ref, received_at)
    return store_inbound_emails(arrivals=[arrival], source=source, enqueue=enqueue)[0]


@transaction.atomic
def store_inbound_emails(
    *, arrivals: Sequence[Arrival], source: str, enqueue: bool = True
) -> list[InboundEmail]:
    """Several mails kept in one transaction (an IMAP fetch, a pipe given many files): all of
    them or none (MessageTooBig if any is over RAPPORT_INBOUND_MAX_BYTES). Processing is queued
    once, for the batch, on commit."""
    if source not in Source.values:
        raise ActionError(f"{source!r} is not a source of email.", field="source")
    for arrival in arrivals:
        check_size(arrival.raw, name=f"The message {arrival.source_ref}".rstrip())
    now = timezone.now()
    rows = []
    for arrival in arrivals:
        raw = bytes(arrival.raw)
        headers = read_headers(raw)
        rows.append(
            InboundEmail(
                raw=raw,
                size=len(raw),
                source=source,
                source_ref=clean_text(arrival.source_ref)[:300],
                envelope_from=clean_text(arrival.envelope_from).strip()[:320],
                envelope_to=[clean_text(a).strip()[:320] for a in arrival.envelope_to if a.strip()][
                    : settings.RAPPORT_INBOUND_MAX_RECIPIENTS
                ],
                received_at=arrival.received_at or now,
                message_id=headers.message_id,
                sender=headers.sender,
                subject=headers.subject,
                retry_at=now + stale_after(),
            )
        )
    stored = insert_each(InboundEmail, rows)
    if enqueue:
        for first in stored[::BATCH]:  # each job takes the mails queued behind its own
            transaction.on_commit(partial(_enqueue, first.pk), robust=True)
    return stored


def _enqueue(inbound_id: int) -> None:
    process_inbound.enqueue(inbound_id)


# -- Retrying and the sweep ----------------------------------------------------------------------


@transaction.atomic
def retry_inbound_email(
    *, inbound: InboundEmail, by: Agent | None, enqueue: bool = True
) -> InboundEmail:
    """Send a failed, rejected or quarantined mail through processing again; a rejected one is
    let through the per-sender rate limit, since a person decided it should be."""
    current = InboundEmail.objects.filter(pk=inbound.pk).values_list("status", flat=True).first()
    if current is None:
        raise ActionError("That inbound email no longer exists.")
    if current not in RETRYABLE:
        raise ActionError(
            f"Only failed, rejected or quarantined mail can be processed again; this one is "
            f"{current}."
        )
    who = by.display_name if by is not None else "the command line"
    fields: dict[str, Any] = {
        "status": InboundStatus.RECEIVED,
        "outcome": "",
        "reason": f"queued again by {who}",
        "retry_at": timezone.now() + stale_after(),
        "taken_until": None,  # a job queued now takes it, whoever took it before
        "started_at": None,
        "crashes": 0,  # a person chose to try again: a quarantined mail gets its full count
    }
    if current == InboundStatus.REJECTED:
        fields["rate_limit_waived"] = True
    updated = InboundEmail.objects.filter(pk=inbound.pk, status=current).update(**fields)
    if not updated:
        raise Conflict("Someone else retried this mail at the same moment. Reload the page.")
    if enqueue:
        transaction.on_commit(partial(_enqueue, inbound.pk), robust=True)
    inbound.refresh_from_db()
    return inbound


def sweep_intake(*, now: datetime) -> dict[str, Any]:
    """Queue again every mail nobody processed (the worker died) and every failed mail whose
    next attempt is due. Each row is claimed with a compare-and-set, so sweeping workers never
    queue the same row twice."""
    requeued: list[int] = []
    retried: list[int] = []
    due = (
        InboundEmail.objects.filter(
            retry_at__lte=now, status__in=(InboundStatus.RECEIVED, InboundStatus.FAILED)
        )
        .order_by("retry_at")
        .values_list("pk", "retry_at", "status")[:SWEEP_BATCH]
    )
    for pk, retry_at, status in list(due):
        claimed = InboundEmail.objects.filter(pk=pk, retry_at=retry_at, status=status).update(
            retry_at=now + stale_after()
        )
        if not claimed:
            continue
        (requeued if status == InboundStatus.RECEIVED else retried).append(pk)
        try:
            _enqueue(pk)
        except Exception:
            logger.exception("Could not queue inbound email %s; the next sweep tries again", pk)
    return {"requeued": requeued, "retried": retried}
