"""How a mail's headers are read: Rapport's email policy and message class (each header
parsed once, raw 8-bit bytes and unquoted boundaries made readable), the shortcut for the
plainest address headers, and the header readers `parse_email` and intake share."""

from __future__ import annotations

import email
import email.parser
import email.policy
import email.utils
import functools
import re
from email.message import EmailMessage, Message
from email.policy import EmailPolicy
from typing import Any

from rapport.mail.headers import (
    Address,
    declared_charset,
    decode_header_value,
    display_name,
    mailboxes,
    quote_boundary,
    repair_header_block,
)

# Labels that real mail uses for charsets Python knows under another name or decodes too
# strictly. ISO-8859-1 is decoded as windows-1252, as browsers do: mail labelled latin-1 with
# curly quotes in 0x80-0x9F is far more common than genuine C1 control characters.
CHARSET_ALIASES = {
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


# The plainest address headers, `Name Words <local@domain>` or `local@domain` (a list of them,
# separated by commas), read without building `policy.default`'s header object: for these
# forms the result is the same (tests/mail/test_parse_fast.py checks that for every header
# these patterns accept), at a twentieth of the cost. Anything else (quotes, comments, encoded
# words, groups, non-ASCII, obsolete syntax) goes through `policy.default`.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"


_ADDR_SPEC = rf"{_ATEXT}+(?:\.{_ATEXT}+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"


_MAILBOX = rf"(?:({_ATEXT}+(?: {_ATEXT}+)*) ?<({_ADDR_SPEC})>|({_ADDR_SPEC}))"


PLAIN_ADDRESSES = re.compile(rf"{_MAILBOX}(?:, ?{_MAILBOX})*")


_PLAIN_MAILBOX = re.compile(_MAILBOX)


# Headers whose values repeat from mail to mail and part to part ("text/plain;
# charset=utf-8", "quoted-printable"): their parsed objects are kept (immutable, and a few
# hundred at most) instead of parsed again for every part of every mail.
_REPEATING = frozenset(
    {"content-type", "content-transfer-encoding", "content-disposition", "mime-version"}
)


_REPEATING_MAX_LENGTH = 200


class ReadOnceMessage(EmailMessage):
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
                if not unfolded.isascii() and isinstance(policy, MailPolicy):
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


class MailPolicy(EmailPolicy):
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


POLICY = MailPolicy(message_factory=ReadOnceMessage)


def plain_addresses(message: Message, name: str) -> tuple[Address, ...] | None:
    """The header's addresses if every such header is in the plainest form; else None."""
    if not isinstance(message, ReadOnceMessage):
        return None
    pairs: list[Address] = []
    for raw in message.raw_values(name):
        value = raw.strip()
        if "=?" in value or not PLAIN_ADDRESSES.fullmatch(value):  # no encoded words
            return None
        for phrase, angled, bare in _PLAIN_MAILBOX.findall(value):
            pairs.append((phrase, (angled or bare).lower()))
    return tuple(pairs)


def header_text(message: Message, name: str, errors: list[str] | None = None) -> str:
    """The first header called `name` as text, encoded words decoded; "" if there is none."""
    if isinstance(message, ReadOnceMessage):
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

    The plainest forms are read by `PLAIN_ADDRESSES`, the rest by `policy.default`; a header
    it finds malformed (an address as the display name, a stray bracket) is read by
    `headers.mailboxes`, where the address is always the one in angle brackets. `parse_email`
    and `intake.read_headers` both read the sender here, so they cannot disagree."""
    plain = plain_addresses(message, name)
    if plain is not None:
        return plain
    raws = message.raw_values(name) if isinstance(message, ReadOnceMessage) else []
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
    return email.parser.BytesHeaderParser(policy=policy_for(raw[:head_end])).parsebytes(head)


def policy_for(head: bytes) -> MailPolicy:
    """`POLICY`, or for a mail with raw 8-bit header bytes and a declared charset other than
    UTF-8 or windows-1252's family, a copy that falls back to that charset for them."""
    if head.isascii():
        return POLICY
    charset = declared_charset(head)
    codec = CHARSET_ALIASES.get(charset, charset) if charset else None
    if codec in (None, "cp1252", "utf-8"):
        return POLICY
    policy: MailPolicy = POLICY.clone(header_fallback=codec)  # type: ignore[call-arg]
    return policy


def plain_from(message: EmailMessage) -> str | None:
    """The From header as `policy.default` would give it, if it is in the plainest form."""
    if not isinstance(message, ReadOnceMessage) or not plain_addresses(message, "From"):
        return None
    return message.raw_values("From")[0].strip()


def raw_header(message: EmailMessage, name: str) -> str:
    """A header read with its own parser (Message-IDs, Date): taken as it came."""
    if isinstance(message, ReadOnceMessage):
        return message.raw_value(name)
    return safe_str(message.get(name, ""))  # pragma: no cover - our policy makes the above


def safe_str(value: object) -> str:
    try:
        return " ".join(str(value).split())
    except Exception:
        return ""
