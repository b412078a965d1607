"""What every way in shares: reading the few headers needed before storing, and the outcome.

The ways in (SMTP listener, IMAP poll, MTA pipe, provider webhook) call
`rapport.mail.actions.intake.store_inbound_email` with the exact bytes; the worker then runs
`process_inbound_email`. Message-IDs are kept in one form everywhere, "<id@host>", both here and
in `Message.external_id` (inbound and outbound), so a reply's In-Reply-To finds its case.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.conf import settings

from rapport.mail.bounds import bound_headers
from rapport.mail.parse import parse_message_ids
from rapport.mail.policy import header_addresses, header_text, read_header_block

if TYPE_CHECKING:
    from rapport.mail.models import InboundEmail

MAX_MESSAGE_ID = 300
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
SYNTHETIC_DOMAIN = "synthetic.rapport.invalid"
T = TypeVar("T")


def clean_text(value: str) -> str:
    """Text a database will store: undecodable bytes read as UTF-8 (else U+FFFD), no NULs.

    Header values read with surrogate escapes, or a body with a NUL, would otherwise make
    PostgreSQL (and SQLite, for lone surrogates) refuse the row and the mail fail forever.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        try:
            value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:
            value = value.encode("utf-8", "replace").decode("utf-8")
    return value.replace("\x00", "")


def clean_strings(value: T) -> T:
    """`clean_text` applied to every string in a (frozen) dataclass, tuple or list; what is
    clean already is given back as it is (the same object), so a clean mail costs a scan."""
    return cast(T, _cleaned(value))


def _cleaned(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return value if value.isascii() and "\x00" not in value else clean_text(value)
    if kind is tuple or kind is list:
        items = [_cleaned(item) for item in value]
        if any(new is not old for new, old in zip(items, value, strict=True)):
            return kind(items)
        return value
    if isinstance(value, str):
        return clean_text(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {}
        for name in _init_fields(kind):
            old = getattr(value, name)
            new = _cleaned(old)
            if new is not old:
                changed[name] = new
        return dataclasses.replace(value, **changed) if changed else value
    return value


_FIELDS: dict[type, tuple[str, ...]] = {}


def _init_fields(kind: type) -> tuple[str, ...]:
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind) if f.init)
    return names


def bracketed(message_id: str) -> str:
    """ "abc@host" or "<abc@host>" -> "<abc@host>"; over-long ids become a stable hash."""
    bare = message_id.strip().strip("<>").strip()
    if not bare:
        return ""
    if len(bare) + 2 > MAX_MESSAGE_ID:
        digest = hashlib.sha256(bare.encode("utf-8", "surrogateescape")).hexdigest()
        return f"<{digest}@long.{SYNTHETIC_DOMAIN}>"
    return f"<{bare}>"


def synthetic_message_id(raw: bytes) -> str:
    """A message without a Message-ID gets one from its bytes: a redelivery gets the same one."""
    return f"<{hashlib.sha256(raw).hexdigest()[:48]}@{SYNTHETIC_DOMAIN}>"


@dataclass(frozen=True)
class RawHeaders:
    message_id: str  # always set: the header's, or a synthetic one
    sender: str  # lower-cased From address, "" if there is none
    subject: str


def read_headers(raw: bytes) -> RawHeaders:
    """The Message-ID, sender and subject, read cheaply before storing; never raises."""
    message_id = sender = subject = ""
    try:
        headers = read_header_block(_bounded_head(raw))
        ids = parse_message_ids(header_text(headers, "Message-ID"))
        message_id = bracketed(ids[0]) if ids else ""
        # The sender as `parse_email` reads it: the address in angle brackets, never the
        # display name (`victim@example.com <attacker@evil.example>` is from the attacker).
        senders = header_addresses(headers, "From")
        sender = senders[0][1] if senders else ""
        subject = header_text(headers, "Subject")
    except Exception:  # noqa: S110 - anything unreadable is left to the parser to report
        pass
    return RawHeaders(
        message_id=clean_text(message_id) or synthetic_message_id(raw),
        sender=clean_text(sender)[:320],
        subject=" ".join(clean_text(subject).split())[:300],
    )


def _bounded_head(raw: bytes) -> bytes:
    """The header block (through its blank line), each field within
    RAPPORT_INBOUND_MAX_HEADER_BYTES: the header parser is quadratic in a field's length."""
    end = _BLANK_LINE.search(raw)
    head = raw[: end.end()] if end else raw
    return bound_headers(head, limit=settings.RAPPORT_INBOUND_MAX_HEADER_BYTES)[0]


@dataclass(frozen=True)
class IntakeResult:
    """What became of one inbound message: the `rapport ingest-email --json` object."""

    inbound_id: int
    message_id: str
    case_id: int | None
    customer_id: int | None
    outcome: str
    reason: str

    @classmethod
    def of(cls, row: InboundEmail) -> IntakeResult:
        return cls(
            inbound_id=row.pk,
            message_id=row.message_id,
            case_id=row.case_id,
            customer_id=row.customer_id,
            outcome=str(row.outcome or row.status),
            reason=row.reason,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "case_id": self.case_id,
            "customer_id": self.customer_id,
            "outcome": self.outcome,
            "reason": self.reason,
        }


def message_ids_in_headers(raw: bytes) -> list[str]:
    """The Message-ID of a returned original (a bounce's message/rfc822 or headers part)."""
    try:
        headers = read_header_block(raw)
        return [bracketed(i) for i in parse_message_ids(header_text(headers, "Message-ID"))]
    except Exception:
        return []
