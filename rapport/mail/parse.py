"""Raw RFC 822 bytes -> ParsedEmail. Never raises: problems are listed in ``parse_errors``."""

from __future__ import annotations

import email
import email.parser
import email.policy
import email.utils
import functools
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage, Message
from email.policy import EmailPolicy
from typing import Any

from tnefparse import TNEF

from rapport.lib.html import sanitise, to_text
from rapport.mail.autoreply import BounceRecipient, classify_auto_reply, detect_bounce
from rapport.mail.headers import (
    declared_charset,
    decode_header_value,
    display_name,
    mailboxes,
    quote_boundary,
    repair_header_block,
)
from rapport.mail.reply import html_reply_text, parse_reply, visible_reply

Address = tuple[str, str]  # (display name, address)

# Labels that real mail uses for charsets Python knows under another name or decodes too
# strictly. ISO-8859-1 is decoded as windows-1252, as browsers do: mail labelled latin-1 with
# curly quotes in 0x80-0x9F is far more common than genuine C1 control characters.
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-1252": "cp1252",
    "iso-8859-8-i": "iso-8859-8",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-sjis": "shift_jis",
    "unicode-1-1-utf-7": "utf-7",
    "utf8": "utf-8",
    "x-unknown": "utf-8",
    "unknown-8bit": "utf-8",
}
_TNEF = "application/ms-tnef"
_ID = re.compile(r"<([^<>\s]+)>")
_BARE_ID = re.compile(r"[^<>\s,;]+@[^<>\s,;]+")

# The plainest address headers, `Name Words <local@domain>` or `local@domain` (a list of them,
# separated by commas), read without building `policy.default`'s header object: for these
# forms the result is the same (tests/mail/test_parse_fast.py checks that for every header
# these patterns accept), at a twentieth of the cost. Anything else (quotes, comments, encoded
# words, groups, non-ASCII, obsolete syntax) goes through `policy.default`.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_ADDR_SPEC = rf"{_ATEXT}+(?:\.{_ATEXT}+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
_MAILBOX = rf"(?:({_ATEXT}+(?: {_ATEXT}+)*) ?<({_ADDR_SPEC})>|({_ADDR_SPEC}))"
_PLAIN_ADDRESSES = re.compile(rf"{_MAILBOX}(?:, ?{_MAILBOX})*")
_PLAIN_MAILBOX = re.compile(_MAILBOX)
# Headers whose values repeat from mail to mail and part to part ("text/plain;
# charset=utf-8", "quoted-printable"): their parsed objects are kept (immutable, and a few
# hundred at most) instead of parsed again for every part of every mail.
_REPEATING = frozenset(
    {"content-type", "content-transfer-encoding", "content-disposition", "mime-version"}
)
_REPEATING_MAX_LENGTH = 200


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    size: int
    content_id: str = ""
    inline: bool = False
    payload: bytes = field(default=b"", repr=False)


@dataclass(frozen=True)
class ParsedEmail:
    sender: Address = ("", "")
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    reply_to: tuple[Address, ...] = ()
    subject: str = ""
    message_id: str = ""
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    date: datetime | None = None
    text: str = ""
    html: str = ""  # sanitised
    visible_text: str = ""
    is_auto_reply: bool = False
    auto_reply_reason: str = ""
    is_out_of_office: bool = False
    is_list: bool = False  # mailing-list mail: reaches a case, never acknowledged
    is_bounce: bool = False
    bounce_recipients: tuple[BounceRecipient, ...] = ()
    bounce_reason: str = ""
    attachments: tuple[ParsedAttachment, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    parse_errors: tuple[str, ...] = ()

    @property
    def from_address(self) -> str:
        return self.sender[1]

    @property
    def from_name(self) -> str:
        return self.sender[0]


def parse_message_ids(value: str) -> tuple[str, ...]:
    """Message-IDs in a header, without angle brackets, deduplicated in order."""
    found = _ID.findall(value) or _BARE_ID.findall(value)
    seen: dict[str, None] = {}
    for item in found:
        seen.setdefault(item.strip(), None)
    return tuple(seen)


def decode_bytes(payload: bytes, charset: str | None) -> tuple[str, str | None]:
    """Text from bytes in a declared charset; (text, problem or None). Never raises."""
    label = (charset or "").strip().strip('"').lower()
    codec = _CHARSET_ALIASES.get(label, label) or "utf-8"
    if codec == "cp1252" and not payload.isascii():
        # Mail labelled us-ascii or latin-1 that is valid UTF-8 is UTF-8 (a mail client's
        # default label, or a relay's): read as windows-1252 it would show as mojibake.
        try:
            return payload.decode("utf-8"), None
        except UnicodeDecodeError:
            pass
    try:
        return payload.decode(codec), None
    except LookupError:
        problem = f"unknown charset {charset!r}"
    except UnicodeDecodeError:
        problem = f"bytes not valid in declared charset {charset!r}"
    for fallback in ("utf-8", "cp1252"):
        try:
            return payload.decode(fallback), problem
        except UnicodeDecodeError:
            continue
    return payload.decode("latin-1"), problem  # maps every byte; unreachable in practice


class _Collector:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.plain: list[str] = []
        self.html: list[str] = []
        self.attachments: list[ParsedAttachment] = []
        self.winmail_bodies: list[tuple[str, bool]] = []  # (text, is_html)

    def header(self, message: Message, name: str) -> str:
        return header_text(message, name, self.errors)

    def addresses(self, message: Message, name: str) -> tuple[Address, ...]:
        return header_addresses(message, name, self.errors)

    def text_of(self, part: Message) -> str:
        try:
            payload = part.get_payload(decode=True)
        except Exception as error:
            self.errors.append(f"payload: {error}")
            payload = None
        if not isinstance(payload, bytes):
            raw = part.get_payload()
            return raw if isinstance(raw, str) else ""
        charset = part.get_param("charset")
        text, problem = decode_bytes(payload, charset if isinstance(charset, str) else None)
        if problem:
            self.errors.append(problem)
        return text

    def walk(self, part: Message, *, inside_attachment: bool = False) -> None:
        content_type = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        if part.is_multipart() and content_type != "message/rfc822":
            payload = part.get_payload()
            if isinstance(payload, list):
                for child in payload:
                    if isinstance(child, Message):
                        self.walk(child, inside_attachment=inside_attachment)
            return
        filename = self.filename(part)
        is_body_text = (
            content_type in ("text/plain", "text/html")
            and disposition != "attachment"
            and not (filename and disposition == "inline" and content_type == "text/html")
        )
        if is_body_text and not inside_attachment:
            text = self.text_of(part)
            (self.plain if content_type == "text/plain" else self.html).append(text)
            return
        if content_type.startswith("multipart/"):
            return
        found = self.attachment(part, content_type, filename, disposition)
        inside = self.winmail_contents(found) if found.content_type == _TNEF else []
        self.attachments.extend(inside or [found])

    def winmail_contents(self, winmail: ParsedAttachment) -> list[ParsedAttachment]:
        """The files inside Outlook's winmail.dat (TNEF), shown like any attachment; none if it
        cannot be read or holds no file, and the winmail.dat itself is kept instead."""
        try:
            tnef = TNEF(winmail.payload)
            items = list(tnef.attachments)
            body = tnef.htmlbody or tnef.body
        except Exception as error:
            self.errors.append(f"winmail.dat: {type(error).__name__}: {error}")
            return []
        if isinstance(body, str | bytes) and body:
            # An Outlook "rich text" mail can carry its only body inside the winmail.dat.
            text = body if isinstance(body, str) else decode_bytes(body, "cp1252")[0]
            self.winmail_bodies.append((text, bool(tnef.htmlbody)))
        files: list[ParsedAttachment] = []
        for item in items:
            data = getattr(item, "data", b"")
            if getattr(item, "embed", None) is not None or not isinstance(data, bytes) or not data:
                continue  # an embedded Outlook item: left in the winmail.dat
            try:
                name = item.long_filename()
            except Exception:
                name = ""
            if isinstance(name, bytes):
                name = decode_bytes(name, "utf-8")[0]
            name = str(name or "").strip("\x00 ") or f"attachment-{len(files) + 1}.bin"
            files.append(
                ParsedAttachment(
                    filename=name,
                    content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
                    size=len(data),
                    payload=data,
                )
            )
        return files

    def filename(self, part: Message) -> str:
        try:
            name = part.get_filename() or ""
        except Exception:
            name = ""
        return str(name).strip()

    def attachment(
        self, part: Message, content_type: str, filename: str, disposition: str
    ) -> ParsedAttachment:
        if content_type == "message/rfc822":
            inner = part.get_payload()
            inner_message = inner[0] if isinstance(inner, list) and inner else None
            payload = b""
            if isinstance(inner_message, Message):
                try:
                    payload = inner_message.as_bytes(policy=email.policy.SMTP)
                except Exception as error:
                    self.errors.append(f"forwarded message: {error}")
                subject = str(inner_message.get("Subject", "") or "").strip()
                filename = filename or f"{subject or 'forwarded message'}.eml"
        else:
            try:
                decoded = part.get_payload(decode=True)
            except Exception as error:
                self.errors.append(f"attachment payload: {error}")
                decoded = None
            payload = decoded if isinstance(decoded, bytes) else b""
        if content_type == _TNEF or filename.lower() == "winmail.dat":
            content_type = _TNEF
            filename = filename or "winmail.dat"
        content_id = str(part.get("Content-ID", "") or "").strip().strip("<>")
        if not filename:
            extension = content_type.rsplit("/", 1)[-1].split("+")[0] or "bin"
            filename = f"{content_id or 'attachment'}.{extension}"
        return ParsedAttachment(
            filename=filename,
            content_type=content_type,
            size=len(payload),
            content_id=content_id,
            inline=disposition == "inline" or bool(content_id and disposition != "attachment"),
            payload=payload,
        )


class _ReadOnceMessage(EmailMessage):
    """`policy.default`'s message, remembering each header it has parsed.

    `policy.default` builds a new structured header object on every `get`, and reading a mail
    (body parts, bounce detection, auto-reply rules) asks for Content-Type, From and the rest
    many times over: most of the parse time went there. A mutation forgets what was read.
    """

    _read: dict[str, Any]
    _raw: dict[str, Any]  # set on first use

    def __init__(self, policy: email.policy.Policy | None = None) -> None:
        super().__init__(policy=policy)
        self._read = {}

    def get(self, name: str, failobj: Any = None) -> Any:
        values = self._parsed(name)  # the first of them: one parse serves get and get_all
        return values[0] if values else failobj

    def get_all(self, name: str, failobj: Any = None) -> Any:
        values = self._parsed(name)
        return failobj if values is None else list(values)

    def raw_value(self, name: str) -> str:
        """The first such header as it came, unfolded, without building a header object:
        enough for the Message-ID headers and Date, which are read with their own parsers."""
        values = self.raw_values(name)
        return " ".join(values[0].split()) if values else ""

    def raw_values(self, name: str) -> list[str]:
        """Every such header as it came, unfolded (folding line breaks removed, as
        `policy.default` removes them before parsing)."""
        if not hasattr(self, "_raw"):
            self._raw = {}
            policy = self.policy
            for key, value in self.raw_items():
                unfolded = _LINE_BREAKS.sub("", str(value))
                if not unfolded.isascii() and isinstance(policy, _Policy):
                    unfolded = policy.header_text(key, unfolded)
                self._raw.setdefault(key.lower(), []).append(unfolded)
        values: list[str] = self._raw.get(name.lower(), [])
        return values

    def get_content_type(self) -> str:
        # Asked for over and over (walking the parts, finding the body, bounce checks).
        try:
            return self._read["\ncontent type"]  # type: ignore[no-any-return]
        except KeyError:
            found = self._read["\ncontent type"] = super().get_content_type()
            return found

    def _parsed(self, name: str) -> Any:
        key = name.lower()
        try:
            return self._read[key]
        except KeyError:
            values = self._read[key] = super().get_all(name)
            return values

    def __setitem__(self, name: str, val: Any) -> None:
        self._forget()
        super().__setitem__(name, val)

    def __delitem__(self, name: str) -> None:
        self._forget()
        super().__delitem__(name)

    def replace_header(self, _name: str, _value: Any) -> None:
        self._forget()
        super().replace_header(_name, _value)

    def set_raw(self, name: str, value: Any) -> None:
        if self._read or "_raw" in self.__dict__:  # the parser sets every header: kept cheap
            self._forget()
        super().set_raw(name, value)

    def add_header(self, _name: str, _value: str, **_params: Any) -> None:
        self._forget()
        super().add_header(_name, _value, **_params)

    def set_default_type(self, ctype: str) -> None:
        self._forget()
        super().set_default_type(ctype)

    def clear(self) -> None:
        self._forget()
        super().clear()

    def _forget(self) -> None:
        self._read.clear()
        self.__dict__.pop("_raw", None)


_LINE_BREAKS = re.compile(r"[\r\n]")


class _Policy(EmailPolicy):
    """`policy.default`, reading raw 8-bit header bytes as text and an unquoted multipart
    boundary whole (`headers.decode_header_value`, `headers.quote_boundary`), and keeping the
    parsed objects of headers whose values repeat."""

    header_fallback = "cp1252"  # for raw 8-bit header bytes that are not UTF-8

    def header_fetch_parse(self, name: str, value: str) -> Any:
        if hasattr(value, "name"):
            return value
        value = self.header_text(name, value)
        if name.lower() not in _REPEATING or len(value) > _REPEATING_MAX_LENGTH:
            return super().header_fetch_parse(name, value)
        return _repeating_header(self, name, value)

    def header_text(self, name: str, value: str) -> str:
        """A header's value as read from the bytes, made readable: raw 8-bit bytes decoded,
        an unquoted boundary quoted (done when a header is read, not for every header)."""
        if not value.isascii():
            value = decode_header_value(value, self.header_fallback)
        if "=" in value and name.lower() == "content-type":
            value = quote_boundary(value)
        return value


@functools.lru_cache(maxsize=512)
def _repeating_header(policy: EmailPolicy[Any], name: str, value: str) -> Any:
    return EmailPolicy.header_fetch_parse(policy, name, value)


_POLICY = _Policy(message_factory=_ReadOnceMessage)


def _plain_addresses(message: Message, name: str) -> tuple[Address, ...] | None:
    """The header's addresses if every such header is in the plainest form; else None."""
    if not isinstance(message, _ReadOnceMessage):
        return None
    pairs: list[Address] = []
    for raw in message.raw_values(name):
        value = raw.strip()
        if "=?" in value or not _PLAIN_ADDRESSES.fullmatch(value):  # no encoded words
            return None
        for phrase, angled, bare in _PLAIN_MAILBOX.findall(value):
            pairs.append((phrase, (angled or bare).lower()))
    return tuple(pairs)


def header_text(message: Message, name: str, errors: list[str] | None = None) -> str:
    """The first header called `name` as text, encoded words decoded; "" if there is none."""
    if isinstance(message, _ReadOnceMessage):
        raw = message.raw_values(name)
        if raw and raw[0].isascii() and "=?" not in raw[0]:
            return raw[0]  # no encoded words: `policy.default` would give it as it came
    try:
        value = message.get(name)
    except Exception as error:
        if errors is not None:
            errors.append(f"{name}: {error}")
        raw = message.get_all(name, failobj=[]) if hasattr(message, "get_all") else []
        return str(raw[0]) if raw else ""
    return "" if value is None else str(value)


def header_addresses(
    message: Message, name: str, errors: list[str] | None = None
) -> tuple[Address, ...]:
    """Every address in the headers called `name`: (display name, lower-cased address).

    The plainest forms are read by `_PLAIN_ADDRESSES`, the rest by `policy.default`; a header
    it finds malformed (an address as the display name, a stray bracket) is read by
    `headers.mailboxes`, where the address is always the one in angle brackets. `parse_email`
    and `intake.read_headers` both read the sender here, so they cannot disagree."""
    plain = _plain_addresses(message, name)
    if plain is not None:
        return plain
    raws = message.raw_values(name) if isinstance(message, _ReadOnceMessage) else []
    try:
        values: list[Any] = list(message.get_all(name, failobj=[]))
    except Exception as error:
        if errors is not None:
            errors.append(f"{name}: {error}")
        values = list(raws)
    pairs: list[Address] = []
    for index, value in enumerate(values):
        parsed = getattr(value, "addresses", None)  # policy.default has parsed it already
        if parsed is not None and not value.defects:
            pairs += [(display_name(a.display_name, a.addr_spec), a.addr_spec) for a in parsed]
            continue
        raw = raws[index] if index < len(raws) else str(value)
        pairs += mailboxes(raw)
    return tuple(
        (name_.strip(), address.strip().lower()) for name_, address in pairs if address or name_
    )


def read_header_block(raw: bytes) -> Message:
    """The headers of raw mail as `parse_email` reads them (mended the same way), parsed from
    the header block alone: what intake reads before storing a mail."""
    raw, head_end = repair_header_block(raw)
    head = raw[: head_end + 4]  # with the blank line (or what ends the mail) after it
    return email.parser.BytesHeaderParser(policy=_policy_for(raw[:head_end])).parsebytes(head)


def _policy_for(head: bytes) -> _Policy:
    """`_POLICY`, or for a mail with raw 8-bit header bytes and a declared charset other than
    UTF-8 or windows-1252's family, a copy that falls back to that charset for them."""
    if head.isascii():
        return _POLICY
    charset = declared_charset(head)
    codec = _CHARSET_ALIASES.get(charset, charset) if charset else None
    if codec in (None, "cp1252", "utf-8"):
        return _POLICY
    policy: _Policy = _POLICY.clone(header_fallback=codec)  # type: ignore[call-arg]
    return policy


def parse_email(raw: bytes) -> ParsedEmail:
    """Parse raw RFC 822 bytes. Arbitrary input gives a result, with ``parse_errors``."""
    try:
        raw, head_end = repair_header_block(raw)
        message = email.message_from_bytes(raw, policy=_policy_for(raw[:head_end]))
    except Exception as error:
        return ParsedEmail(parse_errors=(f"unparseable message: {error}",))
    if not isinstance(message, EmailMessage):  # pragma: no cover - policy.default always gives one
        return ParsedEmail(parse_errors=("unparseable message",))
    try:
        return _parse(message)
    except Exception as error:
        return ParsedEmail(parse_errors=(f"unparseable message: {type(error).__name__}: {error}",))


def _parse(message: EmailMessage) -> ParsedEmail:
    collect = _Collector()
    collect.errors.extend(f"defect: {type(d).__name__}" for d in message.defects)
    senders = collect.addresses(message, "From") or collect.addresses(message, "Sender")
    errors_before = len(collect.errors)
    subject_header = collect.header(message, "Subject")
    subject = " ".join(subject_header.split())
    # A Subject the header parser failed on is left to bounce detection to read (and fail on).
    subject_read = subject_header if len(collect.errors) == errors_before else None
    date = None
    date_header = _raw(message, "Date")
    if date_header:
        try:
            date = email.utils.parsedate_to_datetime(date_header)
        except (TypeError, ValueError, IndexError):
            collect.errors.append(f"unparseable Date: {date_header[:80]}")
    collect.walk(message)
    if not collect.plain and not collect.html:
        for body, is_html in collect.winmail_bodies:
            (collect.html if is_html else collect.plain).append(body)
    text = "\n\n".join(t for t in collect.plain if t.strip())
    raw_html = "\n".join(collect.html)
    html = sanitise(raw_html) if raw_html.strip() else ""
    if text.strip():
        visible = visible_reply(text)
    elif raw_html.strip():
        text = to_text(html)
        visible = parse_reply(html_reply_text(raw_html))
    else:
        visible = ""
    policy = message.policy
    readable = policy.header_text if isinstance(policy, _Policy) else (lambda _name, v: v)
    headers = tuple(
        (name, _safe_str(readable(name, str(value)))) for name, value in message.raw_items()
    )
    verdict = classify_auto_reply(headers, subject)
    bounce = None
    try:
        bounce = detect_bounce(message, sender=_plain_from(message), subject=subject_read)
    except Exception as error:
        collect.errors.append(f"bounce report: {error}")
    is_bounce = bool(bounce and bounce.is_failure)
    is_auto_reply = verdict.is_auto_reply or bool(bounce and not bounce.is_failure)
    auto_reason = verdict.reason or (bounce.reason if bounce and not bounce.is_failure else "")
    return ParsedEmail(
        sender=senders[0] if senders else ("", ""),
        to=collect.addresses(message, "To"),
        cc=collect.addresses(message, "Cc"),
        reply_to=collect.addresses(message, "Reply-To"),
        subject=subject,
        message_id=next(iter(parse_message_ids(_raw(message, "Message-ID"))), ""),
        in_reply_to=parse_message_ids(_raw(message, "In-Reply-To")),
        references=parse_message_ids(_raw(message, "References")),
        date=date,
        text=text.replace("\r\n", "\n"),
        html=html,
        visible_text=visible,
        is_auto_reply=is_auto_reply,
        auto_reply_reason=auto_reason,
        is_out_of_office=verdict.is_out_of_office,
        is_list=verdict.is_list,
        is_bounce=is_bounce,
        bounce_recipients=bounce.recipients if bounce and is_bounce else (),
        bounce_reason=bounce.reason if bounce and is_bounce else "",
        attachments=tuple(collect.attachments),
        headers=headers,
        parse_errors=tuple(dict.fromkeys(collect.errors)),
    )


def _plain_from(message: EmailMessage) -> str | None:
    """The From header as `policy.default` would give it, if it is in the plainest form."""
    if not isinstance(message, _ReadOnceMessage) or not _plain_addresses(message, "From"):
        return None
    return message.raw_values("From")[0].strip()


def _raw(message: EmailMessage, name: str) -> str:
    """A header read with its own parser (Message-IDs, Date): taken as it came."""
    if isinstance(message, _ReadOnceMessage):
        return message.raw_value(name)
    return _safe_str(message.get(name, ""))  # pragma: no cover - our policy makes the above


def _safe_str(value: object) -> str:
    try:
        return " ".join(str(value).split())
    except Exception:
        return ""
