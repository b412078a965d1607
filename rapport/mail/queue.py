"""The intake queue: which stored mails a worker's job takes, leased so that several workers
take different batches and a dead worker's batch goes back to the queue."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from rapport.mail.models import InboundEmail, InboundStatus
from rapport.mail.processing import process_inbound_emails
from rapport.mail.waves import PENDING

BATCH = 100  # mails a job takes from the queue


def run_intake_job(*, inbound_id: int) -> str:
    """What the intake job does for the mail it was queued for: take a batch from the queue
    at that mail (`take_batch`), process it, and give back the lease on any mail of it left
    unsettled (held by another worker at that moment), so the next job takes it at once."""
    batch = take_batch(first_id=inbound_id, size=BATCH)
    if not batch:
        return "settled already"  # by a job before this one, with the mail queued behind it
    results = {result.inbound_id: result for result in process_inbound_emails(inbound_ids=batch)}
    InboundEmail.objects.filter(pk__in=batch, status__in=PENDING).update(taken_until=None)
    own = results.get(inbound_id)
    return own.outcome if own is not None else "settled already"


def take_batch(*, first_id: int, size: int) -> list[int]:
    """Up to `size` mails that are waiting and that no other job has taken, from the mail a job
    was queued for onwards: its own first if it is still free, else the mails queued behind
    it (an earlier job took its own, and perhaps left some behind it). Under load the worker
    thus processes the queue in batches rather than one transaction a mail, and several
    workers take different batches.

    The batch is leased to this job for RAPPORT_INTAKE_STALE_SECONDS (`taken_until`); if the
    worker dies, the lease runs out and the sweep queues the mail again. A job that finds
    nothing free costs one read."""
    now = timezone.now()
    free = Q(taken_until__isnull=True) | Q(taken_until__lt=now)
    waiting = InboundEmail.objects.filter(
        Q(pk=first_id, status__in=PENDING) | Q(pk__gt=first_id, status=InboundStatus.RECEIVED),
        free,
    ).order_by("pk")
    if not waiting.exists():  # most jobs under load: one read, no write lock
        return []
    with transaction.atomic():
        if connection.vendor == "postgresql":  # SQLite has one writer at a time
            waiting = waiting.select_for_update(skip_locked=True)
        ids = list(waiting.values_list("pk", flat=True)[: max(size, 1)])
        InboundEmail.objects.filter(pk__in=ids).update(taken_until=now + stale_after())
    return ids


def stale_after() -> timedelta:
    return timedelta(seconds=settings.RAPPORT_INTAKE_STALE_SECONDS)
