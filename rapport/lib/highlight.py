"""Why a search result matched: the words of a text that match a query, and an excerpt around
them, as (text, matched) parts a template prints escaped (a `<mark>` around the matched ones).

Words are compared as the search index compares them: lower-cased, accents removed, the last
query word also as a prefix.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

Span = tuple[int, int]
Parts = tuple[tuple[str, bool], ...]

_WORD = re.compile(r"[^\W_]+")
_SPACE = re.compile(r"\s+")
EXCERPT_WIDTH = 160
LEAD = 40  # characters shown before the first match


def fold(text: str) -> str:
    """Lower-cased and without accents: "Ñandú" -> "nandu"."""
    if text.isascii():  # most words: nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def flatten(text: str) -> str:
    """One line: runs of white space (line breaks too) become one space."""
    return _SPACE.sub(" ", text).strip()


def word_spans(
    text: str, words: Sequence[str], *, prefix_from: int = 3, require_all: bool = True
) -> list[Span]:
    """Where `text`'s words match the query `words` (the last one also as a prefix when it has
    `prefix_from` letters or more). Empty when `require_all` and a word is missing."""
    wanted = [fold(word) for word in words]
    if not wanted:
        return []
    exact = set(wanted)
    last = wanted[-1] if len(wanted[-1]) >= prefix_from else None
    spans: list[Span] = []
    seen: set[str] = set()
    for found in _WORD.finditer(text):
        word = fold(found.group())
        if word in exact:
            seen.add(word)
        elif last is not None and word.startswith(last):
            seen.add(last)
        else:
            continue
        spans.append(found.span())
    if require_all and seen != exact:
        return []
    return spans


def substring_spans(text: str, needles: Iterable[str], *, prefix_only: bool = False) -> list[Span]:
    """Where any of `needles` occurs in `text` (compared lower-cased), or starts it."""
    haystack = text.casefold()
    spans: list[Span] = []
    for needle in (needle.casefold() for needle in needles if needle):
        at = haystack.find(needle)
        if at == 0 or (at > 0 and not prefix_only):
            spans.append((at, at + len(needle)))
    return _merged(spans)


def _merged(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def excerpt(text: str, spans: Sequence[Span], *, width: int = EXCERPT_WIDTH) -> Parts:
    """At most `width` characters of `text` around its first span, cut at spaces, "…" where
    cut, split into (text, matched) parts."""
    spans = _merged(list(spans))
    start, end = 0, len(text)
    if len(text) > width:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - LEAD, len(text) - width))
        if start > 0:
            space = text.find(" ", start, first if spans else start + LEAD)
            start = space + 1 if space != -1 else start
        end = min(len(text), start + width)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > (spans[0][1] if spans else start) else end
    parts: list[tuple[str, bool]] = []
    if start > 0:
        parts.append(("…", False))
    at = start
    for span in spans:
        span_start, span_end = max(span[0], start), min(span[1], end)
        if span_start >= span_end:
            continue
        if span_start > at:
            parts.append((text[at:span_start], False))
        parts.append((text[span_start:span_end], True))
        at = span_end
    if at < end:
        parts.append((text[at:end], False))
    if end < len(text):
        parts.append(("…", False))
    return tuple(parts)
