"""Images in mail HTML become placeholders that load nothing until an agent asks for them."""

from __future__ import annotations

import pytest

from rapport.lib.html import linkify, sanitise, without_images


def test_a_remote_image_becomes_a_placeholder_that_loads_nothing() -> None:
    html = sanitise('<p>Hi</p><img src="https://track.example/p.gif?u=7&amp;m=9" alt="logo">')
    shown, remote = without_images(html)
    assert remote == 1
    assert "<img" not in shown
    assert shown == (
        '<p>Hi</p><span class="blocked-image" data-src="https://track.example/p.gif?u=7&amp;m=9"'
        ' title="Image not loaded">[logo]</span>'
    )


@pytest.mark.parametrize(
    ("src", "remote"),
    [
        ("http://a.example/x.png", 1),
        ("HTTPS://a.example/x.png", 1),
        ("//a.example/x.png", 1),
        ("cid:part1@mail", 0),  # an inline attachment: listed with the attachments instead
        ("pixel.gif", 0),  # relative: would hit the desk itself, never loaded
        ("/logout/", 0),
    ],
)
def test_every_image_is_held_back_and_remote_ones_counted(src: str, remote: int) -> None:
    shown, count = without_images(sanitise(f'<img src="{src}" width="1" height="1">'))
    assert count == remote
    assert "<img" not in shown and 'class="blocked-image"' in shown


def test_markup_hidden_in_alt_or_src_stays_text() -> None:
    hostile = (
        '<img alt="x><script>alert(1)</script>" src="http://a.example/"><b>ok</b>'
        '<img src="http://a.example/&quot;><svg onload=alert(2)>" alt="&lt;i&gt;">'
    )
    shown, remote = without_images(sanitise(hostile))
    assert remote == 2
    assert "<script" not in shown and "<svg" not in shown and "<i>" not in shown
    assert "[x&gt;&lt;script&gt;alert(1)&lt;/script&gt;]" in shown
    assert "<b>ok</b>" in shown


def test_html_without_images_is_unchanged() -> None:
    html = sanitise('<p>Hello <a href="https://example.com">there</a></p>')
    assert without_images(html) == (html, 0)


def test_keep_remote_shows_remote_images_only() -> None:
    html = sanitise(
        '<img src="https://a.example/x.png" alt="x"><img src="/logout/"><img src="cid:1">'
    )
    shown, remote = without_images(html, keep_remote=True)
    assert remote == 1
    assert shown.startswith('<img src="https://a.example/x.png" alt="x">')
    assert shown.count("<img") == 1 and shown.count('class="blocked-image"') == 2


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (
            "See https://vet.example/cough?a=1&b=2.",
            'See <a href="https://vet.example/cough?a=1&amp;b=2" rel="noopener noreferrer nofollow"'
            ' target="_blank">https://vet.example/cough?a=1&amp;b=2</a>.',
        ),
        (
            "(www.vet.example/Mila_(dog))",
            '(<a href="https://www.vet.example/Mila_(dog)" rel="noopener noreferrer nofollow"'
            ' target="_blank">www.vet.example/Mila_(dog)</a>)',
        ),
        ("javascript:alert(1) and ftp://x.example", "javascript:alert(1) and ftp://x.example"),
        ("<b>hi</b>\r\nbye", "&lt;b&gt;hi&lt;/b&gt;<br>bye"),
        (
            'http://x.example/"onmouseover="alert(1)',
            '<a href="http://x.example/" rel="noopener noreferrer nofollow" target="_blank">'
            "http://x.example/</a>&quot;onmouseover=&quot;alert(1)",
        ),
        ("just http:// alone", "just http:// alone"),
    ],
)
def test_plain_text_links_are_escaped_links_that_open_apart(text: str, html: str) -> None:
    assert linkify(text) == html
