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


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel", "cid"},
        link_rel="noopener noreferrer nofollow",
    )


def to_text(html: str) -> str:
    """Readable plain text from (sanitised) HTML, keeping paragraph breaks."""
    cleaned = nh3.clean(html, tags=_ALLOWED_TAGS, attributes={})
    with_breaks = _BLOCK_END.sub("\n", cleaned)
    text = stdlib_html.unescape(_TAG.sub("", with_breaks))
    lines = [line.strip() for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
