"""Raw RFC 822 bytes -> ParsedEmail. Never raises: problems are listed in ``parse_errors``."""

from __future__ import annotations

import email
import email.parser
import email.policy
import email.utils
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage, Message

from tnefparse import TNEF

from rapport.lib.html import sanitise, to_text
from rapport.mail.autoreply import BounceRecipient, classify_auto_reply, detect_bounce
from rapport.mail.headers import (
    repair_header_block,
)
from rapport.mail.policy import (
    CHARSET_ALIASES,
    MailPolicy,
    header_addresses,
    header_text,
    plain_from,
    policy_for,
    raw_header,
    safe_str,
)
from rapport.mail.reply import html_reply_text, parse_reply, visible_reply

Address = tuple[str, str]  # (display name, address)


_TNEF = "application/ms-tnef"


_ID = re.compile(r"<([^<>\s]+)>")


_BARE_ID = re.compile(r"[^<>\s,;]+@[^<>\s,;]+")


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
    codec = CHARSET_ALIASES.get(label, label) or "utf-8"
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


def parse_email(raw: bytes) -> ParsedEmail:
    """Parse raw RFC 822 bytes. Arbitrary input gives a result, with ``parse_errors``."""
    try:
        raw, head_end = repair_header_block(raw)
        message = email.message_from_bytes(raw, policy=policy_for(raw[:head_end]))
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
    date_header = raw_header(message, "Date")
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
    readable = policy.header_text if isinstance(policy, MailPolicy) else (lambda _name, v: v)
    headers = tuple(
        (name, safe_str(readable(name, str(value)))) for name, value in message.raw_items()
    )
    verdict = classify_auto_reply(headers, subject)
    bounce = None
    try:
        bounce = detect_bounce(message, sender=plain_from(message), subject=subject_read)
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
        message_id=next(iter(parse_message_ids(raw_header(message, "Message-ID"))), ""),
        in_reply_to=parse_message_ids(raw_header(message, "In-Reply-To")),
        references=parse_message_ids(raw_header(message, "References")),
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
