"""What one mail may cost intake, checked before the email package sees it.

CPython's header parser takes time and memory that grow with the square of a header's length
(python/cpython gh-136063): a 1.7 MB Subject took 18 s and 21 GB, and the kernel killed the
worker. So every header field, in the mail's own header block and in each MIME part's, is cut to
RAPPORT_INBOUND_MAX_HEADER_BYTES before parsing (at a fold, so encoded words stay whole), and
the cut is noted among the parser notes. The raw mail is kept as it came. After parsing, a mail's
attachments and recipients are capped (RAPPORT_INBOUND_MAX_ATTACHMENTS, _MAX_RECIPIENTS): what
is past a cap stays in the original, one click away, and the note says so.
"""

from __future__ import annotations

import dataclasses
import re

from django.conf import settings

from rapport.mail.parse import ParsedEmail, parse_email

_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
# A line that may open a MIME part's header block: a boundary delimiter ("--" and the boundary).
_DELIMITER = re.compile(rb"^--[^\r\n]*\r?\n", re.MULTILINE)
_LINE = re.compile(rb"[^\n]*(?:\n|$)")
_FIELD_NAME = re.compile(rb"[!-9;-~]+")


def read_mail(raw: bytes) -> ParsedEmail:
    """`parse_email` within the bounds above; every cut is noted in `parse_errors`."""
    bounded, notes = bound_headers(raw, limit=settings.RAPPORT_INBOUND_MAX_HEADER_BYTES)
    parsed = parse_email(bounded)
    return cap_parsed(parsed, notes=notes)


def cap_parsed(parsed: ParsedEmail, *, notes: list[str]) -> ParsedEmail:
    """The parse with attachments and recipients past their caps left out, and noted."""
    changes: dict[str, object] = {}
    most = settings.RAPPORT_INBOUND_MAX_ATTACHMENTS
    if len(parsed.attachments) > most:
        changes["attachments"] = parsed.attachments[:most]
        notes.append(
            f"{len(parsed.attachments):,} attachments; the first {most:,} are kept "
            f"(RAPPORT_INBOUND_MAX_ATTACHMENTS), the rest only in the original"
        )
    most = settings.RAPPORT_INBOUND_MAX_RECIPIENTS
    if len(parsed.to) + len(parsed.cc) > most:
        to = parsed.to[:most]
        changes["to"], changes["cc"] = to, parsed.cc[: most - len(to)]
        notes.append(
            f"{len(parsed.to) + len(parsed.cc):,} recipients in To and Cc; the first {most:,} "
            f"are read (RAPPORT_INBOUND_MAX_RECIPIENTS)"
        )
    if notes:
        changes["parse_errors"] = (*notes, *parsed.parse_errors)
    return dataclasses.replace(parsed, **changes) if changes else parsed  # type: ignore[arg-type]


def bound_headers(raw: bytes, *, limit: int) -> tuple[bytes, list[str]]:
    """`raw` with each header field longer than `limit` bytes cut to it, and a note of each
    cut. A mail no longer than the limit cannot hold such a field: it is given back as it is."""
    if len(raw) <= limit:
        return raw, []
    notes: list[str] = []
    pieces: list[bytes] = []
    done = 0  # raw[:done] is in pieces
    for start, end in _header_blocks(raw):
        if end - start <= limit:
            continue
        pieces += [raw[done:start], _bound_block(raw[start:end], limit, notes)]
        done = end
    if not notes:
        return raw, []
    pieces.append(raw[done:])
    return b"".join(pieces), notes


def _header_blocks(raw: bytes) -> list[tuple[int, int]]:
    """(start, end) of the mail's header block and of each block after a line starting with
    "--" (a MIME part's headers), up to the blank line that ends it; linear in the mail."""
    blocks: list[tuple[int, int]] = []
    start = 0
    while True:
        blank = _BLANK_LINE.search(raw, start)
        end = blank.start() if blank else len(raw)
        blocks.append((start, end))
        delimiter = _DELIMITER.search(raw, end)
        if delimiter is None:
            return blocks
        start = delimiter.end()


def _bound_block(block: bytes, limit: int, notes: list[str]) -> bytes:
    out: list[bytes] = []
    field: list[bytes] = []
    for line in _LINE.findall(block):
        if not line:
            continue
        if line[:1] in (b" ", b"\t") and field:
            field.append(line)
            continue
        out.append(_bound_field(field, limit, notes))
        field = [line]
    out.append(_bound_field(field, limit, notes))
    return b"".join(out)


def _bound_field(lines: list[bytes], limit: int, notes: list[str]) -> bytes:
    size = sum(map(len, lines))
    if size <= limit:
        return b"".join(lines)
    kept: list[bytes] = []
    used = 0
    for line in lines:
        if used + len(line) > limit:
            break
        kept.append(line)
        used += len(line)
    if not kept:  # one line longer than the limit: cut at its last space before the limit
        line = lines[0]
        cut = max(line.rfind(b" ", 0, limit), line.rfind(b"\t", 0, limit))
        kept = [line[: cut if cut > 0 else limit]]
        used = len(kept[0])
    name = _FIELD_NAME.match(lines[0])
    label = name.group().decode("ascii") if name else "a"
    notes.append(
        f"{label} header of {size:,} bytes shortened to {used:,} before parsing "
        f"(RAPPORT_INBOUND_MAX_HEADER_BYTES={limit:,}); the original is kept whole"
    )
    # The field ends as it did: with its line break, or none at the end of its block.
    last = lines[-1]
    ending = last[len(last.rstrip(b"\r\n")) :]
    return b"".join(kept).rstrip(b"\r\n") + ending
