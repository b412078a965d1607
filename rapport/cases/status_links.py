"""A customer's status link: a signed, expiring, revocable link to one case.

The link carries the case id, the generation of the case's links it was made in and when it
expires, signed with SECRET_KEY (nothing secret is stored, so a link cannot be forged or pointed
at another case). The row `StatusLinkKey` decides whether it still works: revoking a case's links
(`rapport/cases/actions/status_links.py`) moves the generation on, and every link made before
stops at once; a new link (the next mail, a fresh one asked for by email) is made in the new
generation. Expiry is the time signed into the link (`RAPPORT_STATUS_LINK_DAYS` after it was
made), checked against the desk's clock.

Mail puts the link under every message to a customer; the portal's status page reads it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from rapport.cases.models import Case, StatusLinkKey

SALT = "rapport.cases.status-link"


@dataclass(frozen=True)
class StatusLink:
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class LinkCheck:
    """What a link says: its case id (None when the signature does not hold), and whether it
    still works (`case` set) or not (`case` None: expired, revoked, forged or the case gone)."""

    case_id: int | None
    case: Case | None


def generation(case_id: int) -> int:
    found = StatusLinkKey.objects.filter(case_id=case_id).values_list("generation", flat=True)
    return found.first() or 0


def status_token(case: Case, *, now: datetime | None = None) -> tuple[str, datetime]:
    """A new token for `case` in its current generation, and when it expires."""
    made = now or timezone.now()
    expires_at = (made + timedelta(days=settings.RAPPORT_STATUS_LINK_DAYS)).replace(microsecond=0)
    payload = {"c": case.pk, "g": generation(case.pk), "e": int(expires_at.timestamp())}
    return signing.dumps(payload, salt=SALT, compress=True), expires_at


def status_link(case: Case, *, now: datetime | None = None) -> StatusLink:
    token, expires_at = status_token(case, now=now)
    path = reverse("status_page", kwargs={"token": token})
    return StatusLink(url=f"{settings.SITE_URL}{path}", expires_at=expires_at)


def check_token(token: str, *, now: datetime | None = None) -> LinkCheck:
    """The case a token opens, if it still works. A merged case's links stop: the case they
    named is now part of another, whose links are its own (a fresh one asked through a merged
    case's link leads there)."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return LinkCheck(None, None)
    if not isinstance(payload, dict) or not all(
        isinstance(payload.get(key), int) for key in ("c", "g", "e")
    ):
        return LinkCheck(None, None)
    case_id = payload["c"]
    expires_at = datetime.fromtimestamp(payload["e"], tz=UTC)
    if (now or timezone.now()) >= expires_at or payload["g"] != generation(case_id):
        return LinkCheck(case_id, None)
    case = (
        Case.objects.select_related("owner", "customer", "brand")
        .filter(pk=case_id, merged_into__isnull=True)
        .first()
    )
    return LinkCheck(case_id, case)
