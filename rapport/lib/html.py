"""Every HTML body is sanitised before it is stored or shown."""

from __future__ import annotations

import html as stdlib_html
import re

import nh3

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr",
    "i", "img", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}}
_BLOCK_END = re.compile(r"</(p|div|li|tr|h[1-6]|blockquote|pre)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_BLANK_LINES = re.compile(r"\n{3,}")
# An <img> as nh3 serialises it: every attribute value in double quotes, `"` inside escaped.
_IMG = re.compile(r"""<img((?:\s+[a-zA-Z-]+(?:="[^"]*")?)*)\s*/?>""")
_ATTRIBUTE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
_REMOTE = ("http:", "https:", "//")
_PLACEHOLDER_ATTRIBUTES = {
    "a": {"href", "title"},
    "span": {"class", "data-src", "title"},
}


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel", "cid"},
        link_rel="noopener noreferrer nofollow",
    )


def without_images(html: str, *, keep_remote: bool = False) -> tuple[str, int]:
    """Sanitised HTML with every image replaced by a placeholder that loads nothing, and how
    many of them were remote (a sender learns when, where and that a remote image was opened).

    The placeholder keeps the address in `data-src` and shows the alt text. Inline (`cid:`) and
    relative sources are held back too: the first are listed with the attachments, the second
    would fetch from the desk itself. The result is sanitised once more, without `img` (with
    `keep_remote`, remote images stay: for the page where the agent chose to load them).
    """
    remote = 0

    def placeholder(match: re.Match[str]) -> str:
        nonlocal remote
        attributes = {
            name.lower(): stdlib_html.unescape(value)
            for name, value in _ATTRIBUTE.findall(match.group(1))
        }
        src = attributes.get("src", "")
        is_remote = src.lower().startswith(_REMOTE)
        remote += is_remote
        if is_remote and keep_remote:
            return match.group(0)
        label = attributes.get("alt") or ("remote image" if is_remote else "image")
        return (
            f'<span class="blocked-image" data-src="{stdlib_html.escape(src)}"'
            f' title="Image not loaded">[{stdlib_html.escape(label)}]</span>'
        )

    cleaned = sanitise(html)
    if "<img" not in cleaned:
        return cleaned, 0
    shown = nh3.clean(
        _IMG.sub(placeholder, cleaned),
        tags=_ALLOWED_TAGS if keep_remote else _ALLOWED_TAGS - {"img"},
        attributes={**_ALLOWED_ATTRIBUTES, **_PLACEHOLDER_ATTRIBUTES},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )
    return shown, remote


def to_text(html: str) -> str:
    """Readable plain text from (sanitised) HTML, keeping paragraph breaks."""
    cleaned = nh3.clean(html, tags=_ALLOWED_TAGS, attributes={})
    with_breaks = _BLOCK_END.sub("\n", cleaned)
    text = stdlib_html.unescape(_TAG.sub("", with_breaks))
    lines = [line.strip() for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


# A web address in plain text: with its scheme, or starting "www.".
_WEB_ADDRESS = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'*"
LINK_REL = "noopener noreferrer nofollow"


def _address(found: str) -> str:
    """The address without the punctuation that ends the sentence around it ("(see x.com/a)."),
    keeping a closing bracket the address itself opened ("…/Mila_(dog)")."""
    while found and found[-1] in _TRAILING:
        if found[-1] == ")" and found.count("(") >= found.count(")"):
            break
        found = found[:-1]
    return found


def linkify(text: str) -> str:
    """Plain text as HTML: escaped, its line breaks kept as <br>, and each web address a link
    that opens apart from the desk and tells the site nothing (`rel="noopener noreferrer
    nofollow"`). Only http(s) addresses become links; anything else stays text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    last = 0
    for match in _WEB_ADDRESS.finditer(text):
        shown = _address(match.group(0))
        if not shown or shown.lower() in {"http://", "https://", "www."}:
            continue
        start = match.start()
        href = shown if shown.lower().startswith(("http://", "https://")) else f"https://{shown}"
        out.append(stdlib_html.escape(text[last:start]))
        out.append(
            f'<a href="{stdlib_html.escape(href)}" rel="{LINK_REL}" target="_blank">'
            f"{stdlib_html.escape(shown)}</a>"
        )
        last = start + len(shown)
    out.append(stdlib_html.escape(text[last:]))
    return "".join(out).replace("\n", "<br>")
