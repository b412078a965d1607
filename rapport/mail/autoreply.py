"""Machine-generated mail: auto-replies (RFC 3834 and vendor habits) and bounces (RFC 3464 DSNs
and the common provider formats). Rapport never answers either automatically."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage, Message

# -- Auto-replies ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AutoReplyVerdict:
    is_auto_reply: bool
    reason: str = ""
    is_out_of_office: bool = False
    # Mailing-list mail (List-Id, List-Unsubscribe, Precedence: list): a person wrote it, so it
    # reaches a case like any mail, but nothing automatic ever answers it (RFC 2369, 3834).
    is_list: bool = False

    @property
    def never_acknowledge(self) -> bool:
        """Whether an automatic acknowledgment is withheld (Zammad's "auto-response")."""
        return self.is_auto_reply or self.is_list


_AUTO_SUBMITTED = re.compile(r"auto-(generated|replied|notified)", re.IGNORECASE)
_PRECEDENCE = re.compile(r"bulk|junk", re.IGNORECASE)
_LIST_PRECEDENCE = re.compile(r"\blist\b", re.IGNORECASE)
_YES = re.compile(r"yes|true", re.IGNORECASE)
_OOO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|out of (the )?office|"
    r"abwesenheitsnotiz|automatische antwort|réponse automatique|absence|risposta automatica|"
    r"respuesta automática|fuera de la oficina|afwezig|automatisch antwoord|vacation|"
    r"on vacation|away until|i am (currently )?(out|away)|i'm (currently )?(out|away))\b",
    re.IGNORECASE,
)


def _get(headers: dict[str, str], name: str) -> str:
    return headers.get(name.lower(), "")


def classify_auto_reply(headers: Iterable[tuple[str, str]], subject: str = "") -> AutoReplyVerdict:
    """Is this message an automatic response (recorded only, never answered automatically),
    and is it mailing-list mail (it reaches a case, but is never answered automatically)?

    ``headers`` are (name, value) pairs as they appear in the message.
    """
    found = {name.lower(): str(value) for name, value in headers}
    is_list = bool(
        _get(found, "List-Id")
        or _get(found, "List-Unsubscribe")
        or _LIST_PRECEDENCE.search(_get(found, "Precedence"))
    )
    verdict = _auto_reply(found, subject, is_list=is_list)
    return dataclasses.replace(verdict, is_list=is_list) if is_list else verdict


def _auto_reply(  # noqa: PLR0911 - one early return per rule reads best
    found: dict[str, str], subject: str, *, is_list: bool
) -> AutoReplyVerdict:
    auto_submitted = _get(found, "Auto-Submitted").strip()
    suppress = _get(found, "X-Auto-Response-Suppress")
    out_of_office = _is_out_of_office(found, subject)
    if auto_submitted and auto_submitted.lower() != "no" and _AUTO_SUBMITTED.search(auto_submitted):
        return AutoReplyVerdict(True, f"Auto-Submitted: {auto_submitted}", out_of_office)
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Loop"):
        value = _get(found, name)
        if value and (name != "X-Loop" or _YES.search(value)):
            return AutoReplyVerdict(True, f"{name}: {value}", out_of_office)
    if _get(found, "X-Vacation"):
        return AutoReplyVerdict(True, "vacation header", out_of_office)
    precedence = _get(found, "Precedence")
    # A list manager marks every post `Precedence: bulk` or `junk` (Mailman): on list mail that
    # says nothing of the person who wrote it.
    if _PRECEDENCE.search(precedence) and not is_list:
        return AutoReplyVerdict(True, f"Precedence: {precedence}", out_of_office)
    if re.search(r"\ball\b|\bOOF\b|\bAutoReply\b", suppress, re.IGNORECASE):
        return AutoReplyVerdict(True, f"X-Auto-Response-Suppress: {suppress}", out_of_office)
    if _get(found, "Feedback-ID") and _get(found, "X-Ses-Outgoing"):
        return AutoReplyVerdict(True, "bulk sender", out_of_office)
    if _OOO_SUBJECT.search(subject):
        return AutoReplyVerdict(True, f"subject: {subject.strip()[:80]}", True)
    if out_of_office:
        return AutoReplyVerdict(True, "out of office", True)
    return AutoReplyVerdict(False)


def _is_out_of_office(headers: dict[str, str], subject: str) -> bool:
    """Out-of-office profiles: such a reply must not reopen a resolved case on its own."""
    auto_submitted = _get(headers, "Auto-Submitted").lower()
    if re.search(r"\ball\b", _get(headers, "X-Auto-Response-Suppress"), re.IGNORECASE) and (
        "x-ms-exchange-inbox-rules-loop" in headers
    ):
        return True  # Exchange
    if "vacation" in auto_submitted:
        return True  # Zimbra
    if auto_submitted.startswith("auto-replied") and "owner-email=" in auto_submitted:
        return True  # hosted mail ("cloud") responders
    if auto_submitted.startswith("auto-replied") and "vacation" in subject.lower():
        return True  # Gmail vacation responder
    return bool(_OOO_SUBJECT.search(subject))


# -- Bounces -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BounceRecipient:
    address: str
    status: str = ""  # RFC 3463 enhanced status, e.g. "5.1.1"
    action: str = ""  # failed / delayed / delivered / relayed / expanded
    diagnostic: str = ""
    reply_code: str = ""


@dataclass(frozen=True)
class BounceReport:
    recipients: tuple[BounceRecipient, ...]
    reason: str
    is_failure: bool  # False for a success or delay-only delivery report


_BOUNCE_SENDER = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|bounces?|mdaemon)\b", re.I)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered mail|delivery status notification|delivery (has )?failed|"
    r"mail delivery (failed|failure|subsystem)|returned mail|failure notice|"
    r"delivery failure|could not be delivered|non[- ]?delivery|nicht zustellbar|"
    r"unzustellbar|message not delivered|rejected:|warning: could not send|"
    r"returning to sender|mail failed|smtp server: errors from|delayed mail",
    re.IGNORECASE,
)
_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_REPLY_CODE = re.compile(r"(?<![\d.])([245]\d\d)(?![\d.])")
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_ANGLE_ADDRESS_LINE = re.compile(r"^\s*<([^<>\s]+@[^<>\s]+)>:?\s*(.*)$")
_FAILED_TO = re.compile(
    r"(?:delivery to the following recipients? (?:failed(?: permanently)?|has been delayed):|"
    r"rcpt to:|"
    r"message wasn't delivered to|message to|could not be delivered to|"
    r"following addresses? had permanent fatal errors|"
    r"failed recipient|undeliverable to|delivery has failed to these recipients or groups:|"
    r"the following recipient\(s\) could not be reached:)\s*[\s\S]{0,200}?"
    r"(" + _ADDRESS.pattern + r")",
    re.IGNORECASE,
)


def _text_of(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        charset = part.get_content_charset() or "utf-8"
        try:
            return payload.decode(charset, errors="replace")
        except LookupError:
            return payload.decode("utf-8", errors="replace")
    raw = part.get_payload()
    return raw if isinstance(raw, str) else ""


def _dsn_fields(part: Message) -> list[dict[str, str]]:
    """The header blocks of a message/delivery-status part, lower-cased names."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [
            {k.lower(): str(v) for k, v in block.items()}
            for block in payload
            if isinstance(block, Message)
        ]
    return _dsn_blocks_from_text(_text_of(part) if not isinstance(payload, str) else payload)


def _dsn_blocks_from_text(text: str) -> list[dict[str, str]]:
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    last = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            if current:
                blocks.append(current)
            current, last = {}, ""
        elif line[0] in " \t" and last:
            current[last] += " " + line.strip()
        elif ":" in line:
            name, _, value = line.partition(":")
            last = name.strip().lower()
            current[last] = value.strip()
    if current:
        blocks.append(current)
    return blocks


def _strip_type(value: str) -> str:
    """ "rfc822; user@example.com" -> "user@example.com"."""
    _, sep, rest = value.partition(";")
    address = (rest if sep else value).strip().strip("<>").strip()
    return address


def _recipient_from_block(block: dict[str, str]) -> BounceRecipient | None:
    address = _strip_type(block.get("final-recipient", "") or block.get("original-recipient", ""))
    if "@" not in address:
        return None
    diagnostic = (
        _strip_type(block.get("diagnostic-code", "")) if block.get("diagnostic-code") else ""
    )
    status = block.get("status", "").strip()
    status_match = _STATUS.search(status)
    code = _REPLY_CODE.search(diagnostic)
    return BounceRecipient(
        address=address.lower(),
        status=status_match.group() if status_match else "",
        action=block.get("action", "").strip().lower(),
        diagnostic=" ".join(diagnostic.split())[:500],
        reply_code=code.group(1) if code else "",
    )


def _from_dsn(message: EmailMessage) -> list[BounceRecipient] | None:
    for part in message.walk():
        if part.get_content_type() in ("message/delivery-status", "message/global-delivery-status"):
            blocks = _dsn_fields(part)
            recipients = [r for r in map(_recipient_from_block, blocks[1:] or blocks) if r]
            if recipients:
                return recipients
    # A DSN whose MIME structure is broken, or that was forwarded as text, still reads as one.
    text = _human_text(message)
    start = text.lower().find("final-recipient:")
    if start != -1:
        blocks = _dsn_blocks_from_text(text[text.rfind("\n", 0, start) + 1 :][:20000])
        found = [r for r in map(_recipient_from_block, blocks) if r]
        if found:
            return found
    return None


def _human_text(message: EmailMessage) -> str:
    texts = []
    whole = message.get_payload()
    if isinstance(whole, str) and message.get_content_maintype() == "multipart":
        texts.append(whole[:50000])  # a multipart whose boundaries are broken
    for part in message.walk():
        if part.get_content_type() in ("text/plain", "text/html") and len(texts) < 3:
            text = _text_of(part)
            if part.get_content_type() == "text/html":
                text = re.sub(r"<[^>]+>", " ", text)
            texts.append(text[:20000])
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
            break
    return "\n".join(texts)


def _from_text(message: EmailMessage, own_addresses: set[str]) -> list[BounceRecipient]:
    """Recipients of a non-DSN bounce (Postfix/qmail/Exim/Gmail/Office 365 prose formats)."""
    recipients: dict[str, BounceRecipient] = {}
    text = _human_text(message)
    lowered = text.lower()
    for header in ("X-Failed-Recipients", "X-Original-To-Failed"):
        for address in _ADDRESS.findall(str(message.get(header, "") or "")):
            at = lowered.find(address.lower())
            tail = text[at : at + 600] if at != -1 else ""
            recipients.setdefault(address.lower(), _recipient(address, tail))
    lines = text.replace("\r\n", "\n").split("\n")
    for i, line in enumerate(lines):
        match = _ANGLE_ADDRESS_LINE.match(line)
        if match:
            diagnostic = " ".join([match.group(2), *[s.strip() for s in lines[i + 1 : i + 4]]])
            recipients.setdefault(match.group(1).lower(), _recipient(match.group(1), diagnostic))
    if not recipients:
        for match in _FAILED_TO.finditer(text):
            address = match.group(1).lower()
            tail = text[match.end() : match.end() + 600]
            recipients.setdefault(address, _recipient(address, tail))
    return [r for r in recipients.values() if r.address not in own_addresses]


def _recipient(address: str, diagnostic: str) -> BounceRecipient:
    diagnostic = " ".join(diagnostic.split())[:500]
    status = _STATUS.search(diagnostic)
    code = _REPLY_CODE.search(diagnostic)
    return BounceRecipient(
        address=address.lower().strip("<>"),
        status=status.group() if status else "",
        action="failed",
        diagnostic=diagnostic,
        reply_code=code.group(1) if code else "",
    )


def detect_bounce(
    message: EmailMessage, *, sender: str | None = None, subject: str | None = None
) -> BounceReport | None:
    """A delivery report about mail we sent, with the affected recipients, or None.

    `sender` (the From header) and `subject` are read from the message unless the caller has
    read them already."""
    content_type = message.get_content_type()
    report_type = str(message.get_param("report-type", "") or "").lower()
    dsn = _from_dsn(message)
    if dsn is not None:
        # "delayed" counts: the address is in trouble, and the report is no human's reply.
        failed = [
            r
            for r in dsn
            if r.action not in ("delivered", "relayed", "expanded", "deliverable")
            and not r.status.startswith("2.")
        ]
        if not failed:
            return BounceReport(tuple(dsn), "delivery report (delivered)", is_failure=False)
        return BounceReport(tuple(failed), _reason(failed), is_failure=True)
    sender = _sender_local(message if sender is None else sender)
    if subject is None:
        subject = str(message.get("Subject", "") or "")
    looks_like_bounce = (
        (content_type == "multipart/report" and report_type == "delivery-status")
        or bool(_BOUNCE_SENDER.match(sender))
        or bool(message.get("X-Failed-Recipients"))
    ) and (
        bool(_BOUNCE_SUBJECT.search(subject))
        or content_type == "multipart/report"
        or bool(message.get("X-Failed-Recipients"))
        or _has_returned_message(message)
    )
    if not looks_like_bounce and not (
        _BOUNCE_SUBJECT.search(subject) and _has_returned_message(message)
    ):
        return None
    own = {a.lower() for a in _ADDRESS.findall(str(message.get("To", "") or ""))}
    recipients = _from_text(message, own)
    return BounceReport(tuple(recipients), _reason(recipients) or subject[:120], is_failure=True)


def _has_returned_message(message: EmailMessage) -> bool:
    return any(
        part.get_content_type() in ("message/rfc822", "text/rfc822-headers")
        for part in message.walk()
    )


def _sender_local(message: EmailMessage | str) -> str:
    if isinstance(message, str):
        sender = message
    else:
        try:
            sender = str(message.get("From", "") or "")
        except (ValueError, IndexError, TypeError):  # malformed From header
            return ""
    addresses = _ADDRESS.findall(sender)
    return addresses[0] if addresses else sender.strip()


def _reason(recipients: list[BounceRecipient] | tuple[BounceRecipient, ...]) -> str:
    for recipient in recipients:
        if recipient.diagnostic or recipient.status:
            return f"{recipient.status} {recipient.diagnostic}".strip()[:200]
    return ""
