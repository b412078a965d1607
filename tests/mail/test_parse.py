"""rapport.mail.parse: charsets, transfer encodings, HTML-only mail, attachments, fuzzing."""

from __future__ import annotations

import base64
import email
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.mail.parse import decode_bytes, parse_email, parse_message_ids
from rapport.mail.policy import POLICY

HEAD = b"From: Ana <ana@example.com>\r\nTo: desk@example.org\r\nSubject: Hi\r\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


def test_plain_message_headers_and_visible_text() -> None:
    raw = (
        b'From: "Ortiz, Ana" <Ana@Example.com>\r\nTo: Desk <desk@example.org>, b@example.org\r\n'
        b"Cc: c@example.org\r\nSubject: Re: Puppy cough\r\nMessage-ID: <m2@example.com>\r\n"
        b"In-Reply-To: <m1@example.org>\r\nReferences: <m0@example.org> <m1@example.org>\r\n"
        b"Date: Tue, 2 Jan 2024 10:00:00 +0100\r\n\r\n"
        b"She is better.\r\n\r\n"
        b"On Mon, 1 Jan 2024, Desk <desk@example.org> wrote:\r\n> How is she?\r\n"
    )
    parsed = parse_email(raw)
    assert parsed.sender == ("Ortiz, Ana", "ana@example.com")
    assert [a for _, a in parsed.to] == ["desk@example.org", "b@example.org"]
    assert parsed.cc == (("", "c@example.org"),)
    assert parsed.message_id == "m2@example.com"
    assert parsed.in_reply_to == ("m1@example.org",)
    assert parsed.references == ("m0@example.org", "m1@example.org")
    assert parsed.date is not None
    assert parsed.date.utcoffset() is not None
    assert parsed.visible_text == "She is better."
    assert "How is she?" in parsed.text
    assert parsed.parse_errors == ()


def test_quoted_printable_latin1_is_read_as_windows_1252() -> None:
    raw = HEAD + (
        b"Content-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"Caf=E9 =93quoted=94 =\r\nand soft break\r\n"
    )
    assert parse_email(raw).text.strip() == "Café “quoted” and soft break"


def test_base64_windows_1252() -> None:
    body = base64.b64encode("Grüße \u2013 € 5".encode("cp1252"))
    raw = HEAD + (
        b"Content-Type: text/plain; charset=windows-1252\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + body + b"\r\n"
    )
    assert parse_email(raw).text.strip() == "Grüße \u2013 € 5"


def test_iso_2022_jp_body_and_encoded_subject() -> None:
    text = "にゃーん、こんにちは"
    raw = (
        b"From: a@example.jp\r\nSubject: =?ISO-2022-JP?B?"
        + base64.b64encode("件名".encode("iso-2022-jp"))
        + b"?=\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n"
        b"Content-Transfer-Encoding: 7bit\r\n\r\n" + text.encode("iso-2022-jp") + b"\r\n"
    )
    parsed = parse_email(raw)
    assert parsed.subject == "件名"
    assert parsed.text.strip() == text


def test_unknown_charset_falls_back_and_is_reported() -> None:
    raw = HEAD + b"Content-Type: text/plain; charset=x-made-up\r\n\r\nna\xc3\xafve\r\n"
    parsed = parse_email(raw)
    assert parsed.text.strip() == "naïve"
    assert any("unknown charset" in error for error in parsed.parse_errors)


def test_wrong_declared_charset_does_not_crash() -> None:
    raw = HEAD + b"Content-Type: text/plain; charset=utf-8\r\n\r\nna\xefve caf\xe9\r\n"
    parsed = parse_email(raw)
    assert parsed.text.strip() == "naïve café"
    assert parsed.parse_errors


def test_decode_bytes_never_raises() -> None:
    assert decode_bytes(b"\xff\xfe\x00", "utf-16-nonsense")[0]
    assert decode_bytes(b"abc", None) == ("abc", None)


def test_html_only_mail_is_sanitised_and_readable() -> None:
    message = MIMEText(
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
        "<p>Hello <b>there</b></p><p>Second &amp; last</p>"
        '<div class="gmail_quote">On Mon, Bob wrote:<blockquote>old</blockquote></div>'
        "</body></html>",
        "html",
    )
    message["From"] = "a@example.com"
    parsed = parse_email(message.as_bytes())
    assert "<script" not in parsed.html
    assert "alert" not in parsed.html
    assert "Hello" in parsed.text
    assert "Second & last" in parsed.text
    assert parsed.visible_text == "Hello there\n\nSecond & last"


def test_alternative_prefers_plain_text_for_visible_text() -> None:
    message = MIMEMultipart("alternative")
    message["From"] = "a@example.com"
    message.attach(MIMEText("Plain words", "plain"))
    message.attach(MIMEText("<p>HTML words</p>", "html"))
    parsed = parse_email(message.as_bytes())
    assert parsed.visible_text == "Plain words"
    assert "HTML words" in parsed.html


def test_inline_image_attachment_and_tnef_are_listed() -> None:
    related = MIMEMultipart("related")
    related["From"] = "a@example.com"
    related.attach(MIMEText('<p>See <img src="cid:logo@x"></p>', "html"))
    image = MIMEImage(PNG, "png")
    image["Content-ID"] = "<logo@x>"
    image["Content-Disposition"] = "inline"
    related.attach(image)
    pdf = MIMEApplication(b"%PDF-1.4 fake", "pdf")
    pdf.add_header("Content-Disposition", "attachment", filename="Rechnung März.pdf")
    related.attach(pdf)
    tnef = MIMEApplication(b"\x78\x9f\x3e\x22tnef", "ms-tnef")
    related.attach(tnef)
    parsed = parse_email(related.as_bytes())
    by_type = {a.content_type: a for a in parsed.attachments}
    assert by_type["image/png"].content_id == "logo@x"
    assert by_type["image/png"].inline
    assert by_type["image/png"].payload == PNG
    assert by_type["image/png"].size == len(PNG)
    assert by_type["application/pdf"].filename == "Rechnung März.pdf"
    assert not by_type["application/pdf"].inline
    assert by_type["application/ms-tnef"].filename == "winmail.dat"
    assert 'src="cid:logo@x"' in parsed.html


def test_forwarded_message_rfc822_is_an_attachment_not_the_body() -> None:
    inner = EmailMessage()
    inner["From"] = "bob@example.com"
    inner["Subject"] = "Original question"
    inner.set_content("Inner body")
    outer = EmailMessage()
    outer["From"] = "ana@example.com"
    outer["Subject"] = "Fwd: Original question"
    outer.set_content("See below.")
    outer.add_attachment(inner)
    parsed = parse_email(outer.as_bytes())
    assert parsed.visible_text == "See below."
    assert "Inner body" not in parsed.text
    forwarded = [a for a in parsed.attachments if a.content_type == "message/rfc822"]
    assert forwarded[0].filename == "Original question.eml"
    assert b"Inner body" in forwarded[0].payload
    assert not parsed.is_bounce


def test_malformed_headers_are_reported_not_raised() -> None:
    raw = (
        b"From: <<<broken@@\r\nTo: ,,,;;\r\nDate: yesterday-ish\r\nMessage-ID: no brackets@x\r\n"
        b'Content-Type: multipart/mixed; boundary="zz"\r\n\r\n--zz\r\nno end'
    )
    parsed = parse_email(raw)
    assert parsed.parse_errors
    assert parsed.message_id == "brackets@x"


def test_parse_message_ids_deduplicates() -> None:
    assert parse_message_ids("<a@x> <b@x>\r\n <a@x>") == ("a@x", "b@x")
    assert parse_message_ids("") == ()


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash(raw: bytes) -> None:
    parsed = parse_email(raw)
    assert isinstance(parsed.parse_errors, tuple)
    assert isinstance(parsed.visible_text, str)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([
    b"Content-Type: multipart/mixed; boundary=b\r\n", b"--b\r\n", b"--b--\r\n", b"\r\n",
    b"Content-Transfer-Encoding: base64\r\n", b"Content-Transfer-Encoding: quoted-printable\r\n",
    b"Content-Type: text/plain; charset=\"bogus\"\r\n", b"Content-Type: message/rfc822\r\n",
    b"Content-Type: text/html\r\n", b"=E9=\r\n", b"<p>x</p>\r\n", b"Zm9v\r\n", b"\xff\xfe\r\n",
    b"Subject: =?utf-8?b?broken\r\n", b"From: a@b\r\n", b"Content-Disposition: attachment\r\n",
]), max_size=40))  # fmt: skip
def test_structured_garbage_never_crashes(lines: list[bytes]) -> None:
    parsed = parse_email(b"".join(lines))
    assert isinstance(parsed.text, str)


def test_remembered_headers_are_forgotten_when_the_message_changes() -> None:
    message = email.message_from_bytes(
        b"From: a@example.com\r\nSubject: first\r\nTo: b@example.com, c@example.com\r\n\r\nhi\r\n",
        policy=POLICY,
    )
    assert message["Subject"] == "first"
    assert message["Subject"] is message["Subject"]  # parsed once, then remembered
    message.replace_header("Subject", "second")
    assert message["Subject"] == "second"
    del message["Subject"]
    assert message.get("Subject", "none") == "none"
    message["Subject"] = "third"
    assert message["Subject"] == "third"
    recipients = message.get_all("To", [])
    recipients.append("mutated")
    assert len(message.get_all("To", [])) == 1  # callers get a copy
    assert message.get_all("Cc", []) == []
    assert message.get_content_type() == "text/plain"  # remembered, and forgotten on a change
    message["Content-Type"] = "text/html; charset=utf-8"
    assert message.get_content_type() == "text/html"
    message.replace_header("Content-Type", "application/pdf")
    assert message.get_content_type() == "application/pdf"
    del message["Content-Type"]
    assert message.get_content_type() == "text/plain"
    message.set_default_type("message/rfc822")
    assert message.get_content_type() == "message/rfc822"
    message.add_header("Content-Type", "text/csv", charset="utf-8")
    assert message.get_content_type() == "text/csv"


# -- header blocks as mail really comes ----------------------------------------------------------


def test_raw_8_bit_headers_fall_back_to_the_declared_charset() -> None:
    raw = (
        b"From: " + "Иван".encode("koi8-r") + b" <ivan@example.ru>\r\n"
        b"Subject: " + "Привет".encode("koi8-r") + b"\r\n"
        b"Content-Type: text/plain; charset=koi8-r\r\n\r\n" + "Текст".encode("koi8-r") + b"\r\n"
    )
    parsed = parse_email(raw)
    assert parsed.sender == ("Иван", "ivan@example.ru")
    assert parsed.subject == "Привет"
    assert parsed.text.strip() == "Текст"


def test_raw_utf_8_headers_read_as_utf_8_whatever_the_declared_charset() -> None:
    raw = (
        "From: Zoë <zoe@example.com>\r\nSubject: Grüße\r\n"
        "Content-Type: text/plain; charset=iso-8859-1\r\n\r\nHallo\r\n"
    ).encode()
    parsed = parse_email(raw)
    assert (parsed.from_name, parsed.subject) == ("Zoë", "Grüße")


def test_obsolete_space_before_the_colon_keeps_every_header() -> None:
    raw = b"From: a@example.com\r\nSubject : Hello\r\nTo : desk@example.org\r\n\r\nBody\r\n"
    parsed = parse_email(raw)
    assert (parsed.subject, parsed.to, parsed.text.strip()) == (
        "Hello",
        (("", "desk@example.org"),),
        "Body",
    )


def test_a_body_without_a_blank_line_before_it_stays_the_body() -> None:
    parsed = parse_email(b"From: a@example.com\r\nSubject: Hi\r\nJust the text\r\nand more\r\n")
    assert parsed.subject == "Hi"
    assert "Just the text" in parsed.text


def test_a_bom_before_the_headers_is_dropped() -> None:
    parsed = parse_email(b"\xef\xbb\xbf" + HEAD + b"\r\nHello\r\n")
    assert (parsed.from_address, parsed.subject) == ("ana@example.com", "Hi")


def test_unquoted_boundary_with_equals_signs_is_read_whole() -> None:
    raw = HEAD + (
        b"Content-Type: multipart/mixed; boundary=----=_Part_1.2\r\n\r\n"
        b"------=_Part_1.2\r\nContent-Type: text/plain\r\n\r\nHello\r\n"
        b"------=_Part_1.2\r\nContent-Type: image/png\r\nContent-Disposition: attachment; "
        b"filename=a.png\r\n\r\nPNGDATA\r\n------=_Part_1.2--\r\n"
    )
    parsed = parse_email(raw)
    assert parsed.text.strip() == "Hello"
    assert [a.filename for a in parsed.attachments] == ["a.png"]
