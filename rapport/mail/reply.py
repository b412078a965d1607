"""Visible reply extraction: the new text of a reply, apart from quoted history and signatures.

Two complementary passes, both linear in the size of the body (every regular expression below is
applied to one line or to a window of at most a few capped lines, never to the whole text):

* ``strip_quotation`` marks each line (``e`` empty, ``m`` quoted with ``>``, ``s`` a splitter such
  as "On <date>, <person> wrote:" or an Outlook "From:/Sent:" block, ``f`` a forwarded-message
  header, ``t`` text) and cuts the quoted history, keeping inline answers between quotes intact.
* ``read_fragments`` splits a body into fragments (quoted / signature / hidden) reading from the
  bottom up, so a trailing signature ("-- ", "Sent from my iPhone") is hidden but a reply written
  between quotes stays visible.

``visible_reply`` chains the two; ``html_reply_text`` does the same for HTML bodies.
"""

from __future__ import annotations

import html as stdlib_html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Splitter checks look at a window of this many lines, each capped in length, so a pathological
# body cannot make a regular expression backtrack over megabytes.
_SPLITTER_MAX_LINES = 4
_LINE_CAP = 400

# -- Fragments (bottom-up reading) -------------------------------------------------------------


@dataclass
class Fragment:
    content: str
    quoted: bool
    signature: bool = False
    hidden: bool = False

    def __str__(self) -> str:
        return self.content


# These run on *reversed* lines (the body is read bottom-up): "--" or "__" starting a line, or a
# "-Name" line. A whole "Sent from my <one to three words>" line is checked without a nested
# quantifier, which would backtrack for seconds over one long line of word characters.
_SIG_DELIMITER_REVERSED = re.compile(r"--\s*$|__\s*$|\w-$")
_SENT_FROM_WORDS = re.compile(r"\w[\w\s]*")


def _is_signature_reversed(line: str) -> bool:
    if _SIG_DELIMITER_REVERSED.search(line):
        return True
    if not line.endswith(" ym morf tneS"):
        return False
    words = line[: -len(" ym morf tneS")][::-1]
    return bool(_SENT_FROM_WORDS.fullmatch(words)) and len(words.split()) <= 3


_QUOTE_HEADER_REVERSED = re.compile(r"^:etorw.*nO$|^.*:(morF|tneS|oT|tcejbuS)$")
_UNDERSCORE_LINE = re.compile(r"_{8,}$")
_ON_START = re.compile(r"On\s")
_FROM_START = re.compile(r"From:\s")


def _join_header_lines(lines: list[str]) -> list[str]:
    """Join an "On <date>, <name>\\n<address> wrote:" header (and an Outlook/Windows Live
    "From: ... Subject: ..." block) spread over several lines into one line."""
    for i, line in enumerate(lines):
        if line.rstrip().endswith("wrote:"):
            for j in range(i, max(i - 4, -1), -1):
                if _ON_START.match(lines[j]):
                    if j < i:
                        lines[j : i + 1] = [" ".join(lines[j : i + 1])]
                    break
            break
    for i, line in enumerate(lines):
        if _FROM_START.match(line):
            for j in range(i, min(i + 6, len(lines))):
                if "Subject:" in lines[j]:
                    if j > i:
                        lines[i : j + 1] = [" ".join(lines[i : j + 1])]
                    break
            break
    return lines


class _FragmentReader:
    def __init__(self) -> None:
        self.fragments: list[Fragment] = []
        self.found_visible = False
        self.lines: list[str] | None = None
        self.quoted = False
        self.signature = False

    def scan(self, line: str) -> None:
        if not _is_signature_reversed(line):
            line = line.lstrip()
        is_quoted = line.endswith(">")  # not a regex: ">+$" is quadratic on long runs
        if self.lines is not None and line == "" and _is_signature_reversed(self.lines[-1]):
            self.signature = True
            self.finish()
        if self.lines is not None and (
            self.quoted == is_quoted
            or (self.quoted and (line == "" or bool(_QUOTE_HEADER_REVERSED.search(line))))
        ):
            self.lines.append(line)
        else:
            self.finish()
            self.lines, self.quoted, self.signature = [line], is_quoted, False

    def finish(self) -> None:
        if self.lines is None:
            return
        fragment = Fragment("\n".join(self.lines)[::-1], self.quoted, self.signature)
        if not self.found_visible:
            if fragment.quoted or fragment.signature or not fragment.content.strip():
                fragment.hidden = True
            else:
                self.found_visible = True
        self.fragments.append(fragment)
        self.lines = None


def read_fragments(text: str) -> list[Fragment]:
    """Split a plain-text body into fragments, top to bottom."""
    lines = _join_header_lines(text.replace("\r\n", "\n").split("\n"))
    # A reply written directly above a line of underscores gets its own fragment.
    spaced: list[str] = []
    for line in lines:
        if _UNDERSCORE_LINE.match(line) and spaced and spaced[-1] != "":
            spaced.append("")
        spaced.append(line)
    reversed_lines = "\n".join(spaced)[::-1].split("\n")
    if reversed_lines and reversed_lines[-1] == "":
        reversed_lines.pop()  # the body started with a newline: nothing to scan there
    reader = _FragmentReader()
    for line in reversed_lines:
        reader.scan(line)
    reader.finish()
    return reader.fragments[::-1]


def visible_text(fragments: list[Fragment]) -> str:
    return "\n".join(f.content for f in fragments if not f.hidden).rstrip()


def parse_reply(text: str) -> str:
    """The visible part of a body: without trailing quotes and signatures."""
    return visible_text(read_fragments(text))


# -- Quotation stripping (line markers) --------------------------------------------------------

_QUOTE_MARK = re.compile(r">+ ?")
_FORWARD = re.compile(
    r"(-+ *(Forwarded message|Weitergeleitete Nachricht|Message transféré) *-+|"
    r"Begin forwarded message:)\s*$",
    re.IGNORECASE,
)
_ON_WORDS = r"On|Le|W dniu|Op|Am|På|Den|Vào|El|Il|Em"
_WROTE_WORDS = (
    r"wrote|sent|a écrit|napisał|schreef|verzond|geschreven|schrieb|skrev|đã viết|escribió|"
    r"ha scritto|escreveu"
)
_ON_DATE_SMB_WROTE = re.compile(
    rf"-*>? ?(?:{_ON_WORDS}) .*(?:,|użytkownik)(?:.*\n){{0,2}}.*(?:{_WROTE_WORDS}):?-*"
)
_ON_DATE_WROTE_SMB = re.compile(
    r"-*>? ?(?:Op|Am) .*(?:.*\n){0,2}.*(?:schreef|verzond|geschreven|schrieb) *.*:"
)
_SPLITTERS = (
    re.compile(
        r"\s*-+ *(?:Original Message|Reply Message|Ursprüngliche Nachricht|Antwort Nachricht|"
        r"Oprindelig meddelelse|Message d'origine|Mensaje original|Messaggio originale) *-+",
        re.IGNORECASE,
    ),
    _ON_DATE_SMB_WROTE,
    _ON_DATE_WROTE_SMB,
    re.compile(
        r"(?:_+\r?\n)?\s*\*?(?:From|Van|De|Von|Fra|Från|Date|Datum|Envoyé|Skickat|Sendt|Od|От)"
        r"\s?:\*?.*",
        re.IGNORECASE,
    ),
    # 02.04.2012 14:20 пользователь "bob@example.com" <bob@xxx.mailgun.org> написал:
    re.compile(r"(?:\d+/\d+/\d+|\d+\.\d+\.\d+).*@", re.DOTALL),
    # 2014-10-17 11:28 GMT+03:00 Bob <bob@example.com>:
    re.compile(r"\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}\s+GMT.*@", re.DOTALL),
    # Thu, 26 Jun 2014 14:00:51 +0400 Bob <bob@example.com>:
    re.compile(r"\S{3,10}, \d\d? \S{3,10} 20\d\d,? \d\d?:\d\d(?::\d\d)?(?: \S+){3,6}@\S+:"),
    # 2011/4/7 Nathan <support@example.com>
    re.compile(r"\d{4}/\d{1,2}/\d{1,2} .*<\S+@\S+>\s*$"),
    re.compile(r"Sent from Samsung .*@.*> wrote"),
)
# Where HTML conversion found a quote container (gmail_quote, an Outlook reply header block).
QUOTE_SENTINEL = "\x1e-- quoted --\x1e"
_LINK = re.compile(r"<(https?://[^>\n]*)>")
_NORMALISED_LINK = re.compile(r"@@(https?://[^>@\n]*)@@")
_PARENTHESIS_LINK = re.compile(r"\(https?://")
_SPLIT_CANDIDATE = re.compile(rf"(?:-*>? ?)(?:{_ON_WORDS}) ")
_ON_WORD = re.compile(rf"(?:{_ON_WORDS}) ")  # in every candidate; found fast (literal starts)


def _replace_link_brackets(lines: list[str]) -> list[str]:
    # A "<http://...>" link must not make its closing ">" look like a quotation marker.
    return [line if line.startswith(">") else _LINK.sub(r"@@\1@@", line) for line in lines]


def _split_inline_headers(lines: list[str]) -> list[str]:
    """Start an "On <date>, <person> wrote:" header preceded by reply text on a new line."""
    out: list[str] = []
    for i, original in enumerate(lines):
        line = original
        if _ON_WORD.search(original[:_LINE_CAP]) is None:  # most lines: no candidate at all
            out.append(line)
            continue
        for candidate in _SPLIT_CANDIDATE.finditer(original[:_LINE_CAP]):
            window = "\n".join(
                part[:_LINE_CAP] for part in [original[candidate.start() :], *lines[i + 1 : i + 3]]
            )
            if _ON_DATE_SMB_WROTE.match(window):
                if candidate.start():  # at the line start it is already on its own line
                    out.append(original[: candidate.start()])
                    line = original[candidate.start() :]
                break
        out.append(line)
    return out


def _splitter_length(lines: list[str], i: int) -> int:
    """How many lines starting at ``i`` form a quote splitter (0 if none)."""
    if lines[i] == QUOTE_SENTINEL:
        return 1
    window = "\n".join(line[:_LINE_CAP] for line in lines[i : i + _SPLITTER_MAX_LINES])
    for pattern in _SPLITTERS:
        match = pattern.match(window)
        if match:
            return max(1, len(match.group().splitlines()))
    return 0


def mark_lines(lines: list[str]) -> str:
    markers = ["e"] * len(lines)
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            markers[i] = "e"
        elif _QUOTE_MARK.match(line):
            markers[i] = "m"
        elif _FORWARD.match(line.strip()):
            markers[i] = "f"
        else:
            length = _splitter_length(lines, i)
            if length:
                for j in range(i, min(i + length, len(lines))):
                    markers[j] = "s"
                i += length - 1
            else:
                markers[i] = "t"
        i += 1
    return "".join(markers)


def _runs(markers: str, alphabet: str) -> list[tuple[int, int]]:
    """Maximal runs of characters from ``alphabet`` as (start, end) pairs."""
    runs, start = [], None
    for i, char in enumerate(markers):
        if char in alphabet:
            if start is None:
                start = i
        elif start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(markers)))
    return runs


def _has_inline_reply(lines: list[str], markers: str) -> bool:
    """Text between two quoted blocks is an inline answer (unless it is a wrapped link)."""
    for start, end in _runs(markers, "te"):
        if start == 0 or end >= len(markers) or markers[start - 1] != "m":
            continue
        if markers[end] != "m" or "t" not in markers[start:end]:
            continue
        if not (
            _PARENTHESIS_LINK.search(lines[start - 1])
            or _PARENTHESIS_LINK.match(lines[start].strip())
        ):
            return True
    return False


def _effective_markers(markers: str) -> str:
    # Without a splitter, one or two ">" lines are more likely text than a quotation.
    if "s" not in markers and not any(
        markers[a:b].count("m") >= 3 for a, b in _runs(markers, "me")
    ):
        return markers.replace("m", "t")
    return markers


def _quotation_span(markers: str) -> tuple[int, int] | None:
    """The span of quoted lines to drop, or None to keep everything."""
    if markers.lstrip("te").startswith("f"):
        return None  # a forwarded message is content, not history
    # A splitter followed by unquoted text: everything from the splitter on is history.
    for start, end in _runs(markers, "se"):
        head = markers.find("s", start, end)
        if head != -1 and end < len(markers) and markers[end] in "tf":
            return (head, len(markers))
    last_m = markers.rfind("m")
    if last_m != -1 and all(c in "te" for c in markers[last_m + 1 :]):
        for i, char in enumerate(markers[: last_m + 1]):
            if (char == "s" and i < last_m) or (char == "m" and _two_quotes_at(markers, i)):
                end = last_m + 1
                while end < len(markers) and markers[end] == "e":
                    end += 1
                return (i, end)
    for i, char in enumerate(markers):
        if char == "s":
            end = i
            while end < len(markers) and markers[end] in "se":
                end += 1
            return (i, end)
        if char == "m" and _two_quotes_at(markers, i):
            end = i
            while end < len(markers) and markers[end] in "me":
                end += 1
            return (i, end)
    return None


def _two_quotes_at(markers: str, i: int) -> bool:
    j = i + 1
    while j < len(markers) and markers[j] == "e":
        j += 1
    return j < len(markers) and markers[j] == "m"


def strip_quotation(text: str) -> str:
    """The reply without quoted history. Signatures are kept; forwarded messages are kept."""
    delimiter = "\r\n" if "\r\n" in text else "\n"
    lines = _split_inline_headers(_replace_link_brackets(text.replace("\r\n", "\n").split("\n")))
    markers = _effective_markers(mark_lines(lines))
    span = None if _has_inline_reply(lines, markers) else _quotation_span(markers)
    kept = lines if span is None else lines[: span[0]] + lines[span[1] :]
    body = delimiter.join(line for line in kept if line != QUOTE_SENTINEL)
    return _NORMALISED_LINK.sub(r"<\1>", body).strip()


# -- Signatures --------------------------------------------------------------------------------

_SIGNATURE_START = re.compile(
    r"^(?:--+\s*\S*|__+|"
    r"(?:Sent|Envoyé|Enviado|Gesendet|Verzonden|Inviato) (?:from|de|desde|von|vanaf|da) "
    r"(?:my |mi |mon |meinem |mijn |il mio )?\S.{0,40}|"
    r"Get Outlook for \S+.*)$",
    re.IGNORECASE,
)
_SIGNATURE_MAX_LINES = 15


def split_signature(text: str) -> tuple[str, str | None]:
    """(text, signature) with a delimited or "Sent from ..." signature split off the end."""
    lines = text.rstrip().split("\n")
    for i in range(len(lines) - 1, max(0, len(lines) - _SIGNATURE_MAX_LINES), -1):
        line = lines[i].strip()
        if line.startswith("-->"):
            continue
        if _SIGNATURE_START.match(line):
            return "\n".join(lines[:i]).rstrip(), "\n".join(lines[i:]).strip()
    return text.rstrip(), None


# -- Combined ------------------------------------------------------------------------------------


def visible_reply(text: str) -> str:
    """New text only: quoted history removed, trailing signature hidden."""
    return parse_reply(strip_quotation(text))


# -- HTML ----------------------------------------------------------------------------------------

_QUOTE_CLASSES = {"gmail_quote", "yahoo_quoted", "zmail_extra", "moz-forward-container"}
_QUOTE_IDS = {"divRplyFwdMsg", "OLK_SRC_BODY_SECTION", "appendonsend"}
_BLOCK_TAGS = {
    "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "ul", "ol",
    "blockquote", "hr", "section", "article", "header", "footer", "dl", "dt", "dd",
}  # fmt: skip
_SKIP_TAGS = {"style", "script", "head", "title", "xml"}
_VOID_TAGS = {"br", "hr", "img", "meta", "link", "input", "base", "col", "area", "wbr"}
_BORDER_TOP = re.compile(r"border-top(?:-style)?\s*:\s*solid", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200e\u200f]+")


class _QuotedTextParser(HTMLParser):
    """HTML to text, prefixing blockquote lines with "> " and marking reply-header containers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.depth = 0  # blockquote nesting
        self.skip = 0
        self.stack: list[tuple[str, bool]] = []

    def _break(self) -> None:
        text = _SPACES.sub(" ", "".join(self.current)).strip()
        self.current = []
        if text or (self.lines and self.lines[-1] != ""):
            self.lines.append((">" * self.depth + " " if self.depth and text else "") + text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag in _SKIP_TAGS:
            self.skip += 1
        if tag == "br":
            self._break()
            return
        if tag in _BLOCK_TAGS:
            self._break()
        quote_start = (
            bool(_QUOTE_CLASSES & set(attributes.get("class", "").split()))
            or attributes.get("id", "") in _QUOTE_IDS
            or (tag == "div" and bool(_BORDER_TOP.search(attributes.get("style", ""))))
        )
        if quote_start and not self.depth:
            self.lines.append(QUOTE_SENTINEL)
        if tag == "blockquote":
            self.depth += 1
        if tag not in _VOID_TAGS:
            self.stack.append((tag, False))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        if tag in _BLOCK_TAGS or tag == "br":
            self._break()
        if tag == "blockquote":
            self.depth = max(0, self.depth - 1)

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.current.append(data.replace("\n", " "))

    def text(self) -> str:
        self._break()
        return "\n".join(self.lines).strip("\n")


def html_to_quoted_text(html: str) -> str:
    parser = _QuotedTextParser()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # html.parser gives up on some broken markup
        return stdlib_html.unescape(re.sub(r"<[^>]+>", " ", html))
    return parser.text()


def html_reply_text(html: str) -> str:
    """The new text of an HTML reply, as plain text (quote containers and history removed)."""
    return strip_quotation(html_to_quoted_text(html))
