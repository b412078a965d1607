"""The social webhook's signature: an HMAC-SHA256, keyed with RAPPORT_SOCIAL_WEBHOOK_SECRET, of
the request's timestamp, a dot and its raw body, sent as

    X-Rapport-Timestamp: 1765100000
    X-Rapport-Signature: sha256=<hex of HMAC-SHA256(secret, "1765100000." + body)>

The timestamp is signed with the body, so a captured request cannot be sent again later with a
fresh one; a request more than five minutes from the server's clock is refused as a replay (the
same post within those minutes is a duplicate anyway: posts are kept once per platform and id).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timedelta

from rapport.lib.errors import ActionError

SIGNATURE_HEADER = "X-Rapport-Signature"
TIMESTAMP_HEADER = "X-Rapport-Timestamp"
MAX_SKEW = timedelta(minutes=5)
PREFIX = "sha256="


class SignatureRefused(ActionError):
    """The request's signature or timestamp does not check out; the message says which."""

    status_code = 401


def sign(*, secret: str, timestamp: str, body: bytes) -> str:
    """The X-Rapport-Signature value for `body` sent at `timestamp` (Unix seconds, as text)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return PREFIX + digest.hexdigest()


def check_signature(
    *, secret: str, signature: str, timestamp: str, body: bytes, now: datetime
) -> None:
    """Nothing when `signature` is `body`'s at `timestamp` and that is within five minutes of
    `now`; else SignatureRefused saying what to fix."""
    if not secret:
        raise SignatureRefused(
            "This desk takes no signed posts (RAPPORT_SOCIAL_WEBHOOK_SECRET is not set); send "
            "an API token as 'Authorization: Bearer <token>' instead."
        )
    if not re.fullmatch(r"[0-9]{1,12}", timestamp.strip()):
        raise SignatureRefused(
            f"Send {TIMESTAMP_HEADER} with the time of the request in Unix seconds, signed with "
            "the body."
        )
    sent = int(timestamp.strip())
    if abs(now.timestamp() - sent) > MAX_SKEW.total_seconds():
        raise SignatureRefused(
            f"{TIMESTAMP_HEADER} is more than 5 minutes from the server's clock: a replayed or "
            "delayed request. Sign and send it again with the current time."
        )
    expected = sign(secret=secret, timestamp=timestamp.strip(), body=body)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        raise SignatureRefused(
            f"{SIGNATURE_HEADER} does not match: send 'sha256=' and the hex HMAC-SHA256 of the "
            f"{TIMESTAMP_HEADER} value, a dot and the raw body, keyed with the shared secret."
        )
