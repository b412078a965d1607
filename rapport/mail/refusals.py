"""Why a stored mail may create nothing: our own message coming back, no usable sender, mail
from our own address, or a sender over the per-sender rate limit. Reads only."""

from __future__ import annotations

import email.utils
import functools
import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count

from rapport.lib.identities import InvalidIdentity, normalise_email
from rapport.mail.models import InboundEmail, InboundStatus
from rapport.mail.parse import ParsedEmail

_PLUS = re.compile(r"\+[^@]*@")


def sender_address(parsed: ParsedEmail, stored_sender: str) -> str | None:
    """The From address, normalised (else the one read when it was stored); None if neither
    is a usable address."""
    for candidate in (parsed.from_address, stored_sender):
        if not candidate:
            continue
        try:
            return normalise_email(candidate)
        except InvalidIdentity:
            continue
    return None


def refusal(
    row: InboundEmail,
    parsed: ParsedEmail,
    *,
    address: str | None,
    rate_key: str,
    came_back: bool,
    counts: dict[str, int],
) -> str:
    """Why nothing may be created from this mail, or "" if it may go on. `came_back`: its
    Message-ID is one of our outgoing messages; `counts` from `recent_counts`."""
    if came_back:
        return "our own outgoing message came back (mail loop); nothing created"
    if parsed.is_bounce:
        return ""  # from a mail system, not a person: exempt from the sender checks
    if address is None:
        problem = parsed.parse_errors[0] if parsed.parse_errors else "no From address"
        return f"unparseable: no usable sender address ({problem})"
    if is_own_address(address):
        return f"sent from our own address {address} (mail loop); nothing created"
    return _rate_limited(row, rate_key, counts)


def recent_counts(
    senders: Iterable[str], *, received_from: datetime, before_id: int
) -> dict[str, int]:
    """For each sender, at least as many of their mails as any mail of theirs received since
    `received_from` and stored before `before_id` could count as earlier within the rate
    window: one query for a batch, and a sender under the limit by this count is under it."""
    window = timedelta(minutes=settings.RAPPORT_INTAKE_RATE_MINUTES)
    rows = (
        InboundEmail.objects.filter(
            sender__in=set(senders), received_at__gt=received_from - window, pk__lt=before_id
        )
        .exclude(status__in=(InboundStatus.DUPLICATE, InboundStatus.BOUNCE))
        .values("sender")
        .annotate(n=Count("id"))
        .values_list("sender", "n")
    )
    return dict(rows)


def _rate_limited(row: InboundEmail, sender: str, counts: dict[str, int]) -> str:
    limit = settings.RAPPORT_INTAKE_RATE_LIMIT
    if row.rate_limit_waived or counts.get(sender, 0) < limit:
        return ""  # waived, or under it even counting every mail that could be earlier
    minutes = settings.RAPPORT_INTAKE_RATE_MINUTES
    earlier = (
        InboundEmail.objects.filter(
            sender=sender,
            received_at__gt=row.received_at - timedelta(minutes=minutes),
            pk__lt=row.pk,
        )
        .exclude(status__in=(InboundStatus.DUPLICATE, InboundStatus.BOUNCE))
        .count()
    )
    if earlier < limit:
        return ""
    return (
        f"rate limit: {earlier + 1} mails from {sender} within {minutes} minutes "
        f"(limit {limit}); nothing created"
    )


def is_own_address(address: str) -> bool:
    """Our own address (DEFAULT_FROM_EMAIL), plus-addressed variants included."""
    own = _own_address(settings.DEFAULT_FROM_EMAIL)
    return bool(own) and _PLUS.sub("@", address) == own


@functools.lru_cache(maxsize=4)
def _own_address(from_email: str) -> str:
    return _PLUS.sub("@", email.utils.parseaddr(from_email)[1].strip().lower())
