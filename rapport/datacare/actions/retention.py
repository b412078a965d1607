"""Retention of raw mail: the exact bytes of settled mail are deleted after N days.

The parsed message stays on its case (text, attachments, headers read at intake); only the
original `.eml` goes. Off (0 days) by default: the desk keeps every original.

A chat's email code keeps the address it was mailed to only while it can be used: once past
its minutes unused it is expired and forgets it (`sweep_chat_codes`, every sweep; always on).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from rapport.chat.actions.verification import expire_codes
from rapport.mail.models import RAW_SETTLED, InboundEmail

BATCH = 500


def sweep_raw_mail(*, now: datetime) -> dict[str, Any]:
    """One batch of raw mail past retention emptied; the next sweep takes the next batch."""
    days: int = settings.RAPPORT_RAW_MAIL_RETENTION_DAYS
    if days <= 0:
        return {"deleted": []}
    return {"deleted": delete_raw_mail(older_than=now - timedelta(days=days), now=now)}


@transaction.atomic
def delete_raw_mail(*, older_than: datetime, now: datetime, limit: int = BATCH) -> list[int]:
    """Empty the raw bytes of settled mail received before `older_than` (oldest first)."""
    due = list(
        InboundEmail.objects.filter(
            raw_deleted_at__isnull=True, status__in=RAW_SETTLED, received_at__lt=older_than
        )
        .order_by("received_at")
        .values_list("pk", flat=True)[:limit]
    )
    if due:
        # Compare-and-set: a row another sweep emptied meanwhile is not counted twice.
        InboundEmail.objects.filter(pk__in=due, raw_deleted_at__isnull=True).update(
            raw=b"", raw_deleted_at=now
        )
    return due


def sweep_chat_codes(*, now: datetime) -> dict[str, Any]:
    """Chat codes past their time, unused: expired, their address forgotten (a batch a sweep)."""
    return {"expired": expire_codes(now=now, limit=BATCH)}
