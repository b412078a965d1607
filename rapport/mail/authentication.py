"""Sender authentication: what the receiving MTA found (RFC 8601 `Authentication-Results`).

The desk does not check SPF, DKIM or DMARC itself: the MTA that received the mail from the
internet did, and wrote its findings into an `Authentication-Results` header naming itself (its
authserv-id). Only headers from an MTA listed in RAPPORT_EMAIL_TRUSTED_AUTHSERV_IDS count (none
by default: results are then not read at all), and of those only the topmost, the one our own
MTA added last; that MTA must remove any header carrying its id that arrived with the mail
(RFC 8601 section 5), or a sender could write their own "pass".

The verdict for the sender in From:
- fail: DMARC failed; or, with no DMARC result, SPF or DKIM failed and nothing aligned passed;
- pass: DMARC passed; or, with no DMARC result, DKIM or SPF passed for the From domain (or a
  parent of it: relaxed alignment);
- none: a trusted header said nothing either way (none, neutral, softfail, temperror, ...);
- unchecked (""): no trusted header, or trust is not configured.

A failing sender cannot join an existing case (rapport/mail/processing.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import authres

from rapport.mail.models import AuthVerdict

HEADER = "authentication-results"
MAX_HEADER = 8_000  # a real header is a few hundred characters; longer ones are not read
_METHODS = ("dmarc", "dkim", "spf")


@dataclass(frozen=True)
class SenderAuthentication:
    verdict: str  # an AuthVerdict
    summary: str  # e.g. "dmarc=fail dkim=pass spf=pass (mx.example.com)", shown on the message

    @property
    def failed(self) -> bool:
        return self.verdict == AuthVerdict.FAIL


UNCHECKED = SenderAuthentication(AuthVerdict.UNCHECKED, "")


def sender_authentication(
    headers: Iterable[tuple[str, str]], *, sender: str | None, trusted: Sequence[str]
) -> SenderAuthentication:
    """The verdict of the topmost Authentication-Results header of a trusted authserv-id."""
    ids = {i.strip().lower() for i in trusted if i.strip()}
    if not ids:
        return UNCHECKED
    for name, value in headers:
        if name.lower() != HEADER or len(value) > MAX_HEADER:
            continue
        try:
            header = authres.AuthenticationResultsHeader.parse_value(value)
        except authres.AuthResError:
            continue
        if str(header.authserv_id).lower() in ids:
            return _verdict(header, sender=sender or "")
    return UNCHECKED


def _verdict(header: authres.AuthenticationResultsHeader, *, sender: str) -> SenderAuthentication:
    domain = sender.rpartition("@")[2].lower()
    found: dict[str, list[tuple[str, bool]]] = {method: [] for method in _METHODS}
    for result in header.results:
        method = str(result.method).lower()
        if method in found:
            found[method].append((str(result.result).lower(), _aligned(result, method, domain)))
    summary = " ".join(
        f"{method}={'/'.join(r for r, _ in found[method]) or 'none'}" for method in _METHODS
    )
    summary = f"{summary} ({header.authserv_id})"
    dmarc = [result for result, _ in found["dmarc"]]
    if "fail" in dmarc:
        return SenderAuthentication(AuthVerdict.FAIL, summary)
    if "pass" in dmarc:
        return SenderAuthentication(AuthVerdict.PASS, summary)
    others = [*found["dkim"], *found["spf"]]
    if any(result == "pass" and aligned for result, aligned in others):
        return SenderAuthentication(AuthVerdict.PASS, summary)
    if any(result == "fail" for result, _ in others):
        return SenderAuthentication(AuthVerdict.FAIL, summary)
    return SenderAuthentication(AuthVerdict.NONE, summary)


def _aligned(result: authres.AuthenticationResult, method: str, domain: str) -> bool:
    """Whether the domain the method vouched for is the From domain or a parent of it."""
    wanted = {"dkim": ("header", "d"), "spf": ("smtp", "mailfrom")}.get(method)
    if wanted is None or not domain:
        return False
    for prop in result.properties:
        if (str(prop.type).lower(), str(prop.name).lower()) == wanted:
            vouched = str(prop.value).rpartition("@")[2].lower().strip(".")
            if vouched and (domain == vouched or domain.endswith(f".{vouched}")):
                return True
    return False
