"""Outlook's winmail.dat (TNEF): the files inside are shown like any attachment, and a
"rich text" mail whose only body is inside it still reads."""

from __future__ import annotations

import struct
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from rapport.cases.models import Attachment, Message
from rapport.mail.parse import parse_email
from tests.conftest import World
from tests.mail.intake_helpers import ingest

# MS-OXTNEF: a signature and key, then attributes of (level, id, type, length, data, checksum).
MESSAGE, ATTACHMENT = 1, 2
ATT_BODY, ATT_RENDDATA, ATT_TITLE, ATT_DATA = 0x800C, 0x9002, 0x8010, 0x800F
ATT_VERSION, ATT_OEM_CODEPAGE = 0x9006, 0x9007
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4


def _attribute(level: int, attribute: int, kind: int, data: bytes) -> bytes:
    checksum = sum(data) & 0xFFFF
    return (
        struct.pack("<BHHI", level, attribute, kind, len(data)) + data + struct.pack("<H", checksum)
    )


def winmail(files: list[tuple[str, bytes]], *, body: str = "") -> bytes:
    """A winmail.dat as Outlook writes it, with these files and, optionally, a plain body."""
    out = struct.pack("<IH", 0x223E9F78, 0x0001)
    out += _attribute(MESSAGE, ATT_VERSION, 0x0008, struct.pack("<I", 0x00010000))
    out += _attribute(MESSAGE, ATT_OEM_CODEPAGE, 0x0006, struct.pack("<II", 1252, 0))
    if body:
        out += _attribute(MESSAGE, ATT_BODY, 0x0002, body.encode("cp1252"))
    for name, data in files:
        out += _attribute(ATTACHMENT, ATT_RENDDATA, 0x0006, b"\x01\x00" + b"\xff" * 12)
        out += _attribute(ATTACHMENT, ATT_TITLE, 0x0001, name.encode("utf-8") + b"\x00")
        out += _attribute(ATTACHMENT, ATT_DATA, 0x0006, data)
    return out


def outlook_mail(dat: bytes, *, text: str | None = "Photos of the damage attached.") -> bytes:
    mail = EmailMessage()
    mail["From"] = "Tom Reed <tom.reed@example.com>"
    mail["To"] = "support@clinic.example"
    mail["Subject"] = "Damaged on arrival"
    mail["Message-ID"] = "<outlook-1@example.com>"
    if text is not None:
        mail.set_content(text)
    mail.add_attachment(dat, maintype="application", subtype="ms-tnef", filename="winmail.dat")
    return mail.as_bytes()


def test_the_files_inside_winmail_dat_are_the_attachments() -> None:
    dat = winmail([("box corner.jpg", JPEG), ("Invoice 2231.pdf", b"%PDF-1.4 invoice")])
    parsed = parse_email(outlook_mail(dat))
    assert [(a.filename, a.content_type, a.size) for a in parsed.attachments] == [
        ("box corner.jpg", "image/jpeg", len(JPEG)),
        ("Invoice 2231.pdf", "application/pdf", len(b"%PDF-1.4 invoice")),
    ]
    assert parsed.attachments[0].payload == JPEG
    assert parsed.visible_text == "Photos of the damage attached."
    assert parsed.parse_errors == ()


def test_an_unreadable_winmail_dat_is_kept_as_it_is_and_reported() -> None:
    parsed = parse_email(outlook_mail(b"not TNEF at all, just bytes"))
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("winmail.dat", "application/ms-tnef")
    ]
    assert any(e.startswith("winmail.dat: ValueError") for e in parsed.parse_errors)


def test_a_rich_text_mail_reads_from_the_body_inside_winmail_dat() -> None:
    dat = winmail([("photo.jpg", JPEG)], body="The screen cracked the first day. Café owner.")
    parsed = parse_email(outlook_mail(dat, text=None))
    assert parsed.visible_text == "The screen cracked the first day. Café owner."
    assert [a.filename for a in parsed.attachments] == ["photo.jpg"]


@pytest.fixture
def _files(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.usefixtures("_files")
def test_intake_stores_the_unpacked_files_on_the_message(world: World) -> None:
    result, row = ingest(outlook_mail(winmail([("box corner.jpg", JPEG)])))
    assert result.outcome == "new_case" and result.case_id is not None
    message = Message.objects.get(case_id=result.case_id, external_id="<outlook-1@example.com>")
    stored = list(Attachment.objects.filter(message=message))
    assert [(a.filename, a.content_type, a.size) for a in stored] == [
        ("box corner.jpg", "image/jpeg", len(JPEG))
    ]
    assert stored[0].file.read() == JPEG
    assert b"winmail.dat" in bytes(row.raw)  # the original, as received, is kept


@given(st.binary(max_size=400), st.binary(max_size=200))
@settings(max_examples=150, deadline=None)
def test_any_winmail_dat_parses_without_raising(prefix: bytes, tail: bytes) -> None:
    signature = struct.pack("<IH", 0x223E9F78, 1)
    parsed = parse_email(outlook_mail(signature + prefix + tail))
    assert parsed.from_address == "tom.reed@example.com"
    assert parsed.attachments  # the files found inside, or the winmail.dat as it came
