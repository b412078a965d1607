"""Reading header blocks as mail really comes, before and beside `policy.default`.

- `repair_header_block`: a byte-order mark before the first header, a line that is no header
  (a folded line that lost its indentation, a stray word) and the obsolete `Name : value` form
  would each end the header block in the stdlib parser, and every later header would be read
  as body text. The bytes handed to the parser are mended; the stored bytes never change.
- `decode_header_value`: raw 8-bit bytes in a header read as UTF-8, else the charset the mail
  declares, else windows-1252 (bytes inside a `Q` encoded word are left to that word's charset).
- `quote_boundary`: an unquoted `boundary=----=_NextPart…` is quoted, as every mail client
  reads it (the stdlib's header parser cuts it at the first `=`).
- `mailboxes`: the addresses of an address header when `policy.default` found it malformed.
  The address is the one in angle brackets, never the display name, whatever it holds
  (`victim@example.com <attacker@evil.example>` is from attacker@evil.example); a mailbox
  that names two addresses in different places is ambiguous and left out rather than guessed.
"""

from __future__ import annotations

import email.header
import re

Address = tuple[str, str]  # (display name, address)

_BOM = b"\xef\xbb\xbf"
_HEADER_END = re.compile(rb"\r?\n\r?\n")
# A line that is neither a header (`Name:`) nor a folded continuation (leading white space).
_NOT_A_HEADER = re.compile(rb"^(?![\x21-\x39\x3b-\x7e]+:|[ \t]|\r?$)", re.MULTILINE)
_HEADER = re.compile(rb"^[\x21-\x39\x3b-\x7e]+:")
_OBSOLETE_NAME = re.compile(rb"^([\x21-\x39\x3b-\x7e]+)[ \t]+:")
_DECLARED_CHARSET = re.compile(rb"charset\s*=\s*\"?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def repair_header_block(raw: bytes) -> tuple[bytes, int]:
    """The mail with its header block readable to the stdlib parser (see the module), and
    where that block ends (the blank line after it, or the end of the mail)."""
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    end = _HEADER_END.search(raw)
    head_end = end.start() if end else len(raw)
    head = raw[:head_end]
    if _NOT_A_HEADER.search(head.rstrip(b"\r\n")) is None:
        return raw, head_end  # the usual case: one scan, no copy
    lines = head.split(b"\n")
    mended: list[bytes] = []
    for index, line in enumerate(lines):
        if not _NOT_A_HEADER.match(line) or (index == 0 and line.startswith(b"From ")):
            mended.append(line)  # a header, a continuation, or an mbox "From " line
            continue
        obsolete = _OBSOLETE_NAME.match(line)
        if obsolete:  # `Subject : value` (RFC 5322's obs-optional): the name without the space
            mended.append(obsolete.group(1) + b":" + line[obsolete.end() :])
        elif mended and any(_HEADER.match(later) for later in lines[index + 1 :]):
            # Headers follow: this line belongs to the header before it (a folded line that
            # lost its indentation, or a stray word), not the start of the body.
            mended.append(b" " + line)
        else:  # no header follows: the body starts here, as the stdlib parser reads it
            start = len(b"\n".join(mended))
            return b"\n".join([*mended, b"\n".join(lines[index:]) + raw[head_end:]]), start
    repaired = b"\n".join(mended)
    return repaired + raw[head_end:], len(repaired)


def declared_charset(head: bytes) -> str | None:
    """The charset the mail's own Content-Type declares in its header block `head`, if any:
    the best guess for raw 8-bit bytes in its headers that are not UTF-8."""
    found = _DECLARED_CHARSET.search(head)
    return found.group(1).decode("ascii").lower() if found else None


_ESCAPED = re.compile(r"[\udc80-\udcff]")
_Q_WORD = re.compile(r"=\?[^?\s]+\?[Qq]\?[^?\s]*\?=")


def decode_header_value(value: str, fallback: str = "cp1252") -> str:
    """A header value read from bytes (8-bit bytes held as surrogate escapes) as text: UTF-8
    first, then `fallback` (the declared charset, else windows-1252). Bytes inside a `Q`
    encoded word become `=XX`, so the word's own charset decodes them."""
    if "=?" in value:
        value = _Q_WORD.sub(
            lambda word: _ESCAPED.sub(lambda c: f"={ord(c.group()) - 0xDC00:02X}", word.group()),
            value,
        )
    if _ESCAPED.search(value) is None:
        return value
    try:
        data = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return value  # pragma: no cover - a value from bytes holds only escapes
    for codec in ("utf-8", fallback, "cp1252"):
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1")


_BOUNDARY = re.compile(r"(;\s*boundary\s*=\s*)([^\"\s;][^\s;]*)", re.IGNORECASE)
_TSPECIALS = re.compile(r"[()<>@,:\\\"/\[\]?=]")


def quote_boundary(value: str) -> str:
    """A Content-Type value with an unquoted boundary holding special characters quoted."""
    found = _BOUNDARY.search(value)
    if found is None or not _TSPECIALS.search(found.group(2)):
        return value
    return f'{value[: found.start(2)]}"{found.group(2)}"{value[found.end(2) :]}'


# -- addresses -----------------------------------------------------------------------------------

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|\((?:[^()\\]|\\.)*\)?|<[^<>]*>?|[^"(<,]+|,')
_ADDRESS = re.compile(r"[^\s@<>(),;:\"\[\]\\]+@[^\s@<>(),;:\"\[\]\\]+")
_ANY_ADDRESS = re.compile(r"[^\s@<>(),;:\"]+@[^\s@<>(),;:\"]+\.[^\s@<>(),;:\"]+")


_COMMA = ","


def mailboxes(value: str) -> list[Address]:
    """Each mailbox of a malformed address header: (display name, lower-cased address)."""
    found: list[Address] = []
    item: list[str] = []
    for token in [*_TOKEN.findall(value), _COMMA]:
        if token == _COMMA and not _open_angle(item):
            mailbox = _mailbox(item)
            if mailbox is not None:
                found.append(mailbox)
            item = []
        else:
            item.append(token)
    return found


def _open_angle(tokens: list[str]) -> bool:
    return bool(tokens) and tokens[-1].startswith("<") and not tokens[-1].endswith(">")


def _mailbox(tokens: list[str]) -> Address | None:
    phrase: list[str] = []
    angles: list[str] = []
    after: list[str] = []
    for token in tokens:
        if token.startswith("("):
            continue  # a comment
        if token.startswith("<"):
            angles.append(token.strip("<>").strip())
        elif angles:
            after.append(token)
        else:
            phrase.append(token[1:-1].replace('\\"', '"') if token.startswith('"') else token)
    if len(angles) > 1 or (angles and "@" in "".join(after)):
        return None  # two addresses: which one is the sender's cannot be told
    if angles:
        address = angles[0].rsplit(":", 1)[-1].strip()  # an obsolete route `@a,@b:` dropped
        name = display_name(_decoded_words(" ".join(phrase)), address)
    else:
        candidates = _ADDRESS.findall(" ".join(phrase))
        if len(candidates) != 1 or any("<" in token for token in tokens):
            return None  # none, several, or an angle address hidden in a broken comment
        address, name = candidates[0], ""
    if not _ADDRESS.fullmatch(address):
        return None
    return name, address.lower()


def display_name(name: str, address: str) -> str:
    """A display name as shown: white space collapsed, and nothing if it holds an address other
    than the sender's (a name that reads as someone else's address is a spoof)."""
    name = " ".join(name.split())
    if "@" in name and any(
        other.lower() != address.lower() for other in _ANY_ADDRESS.findall(name)
    ):
        return ""
    return name


def _decoded_words(phrase: str) -> str:
    if "=?" not in phrase:
        return phrase
    try:
        return str(email.header.make_header(email.header.decode_header(phrase)))
    except Exception:
        return phrase
