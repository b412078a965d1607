"""Real mails from other projects' corpora that the parser once read wrongly
(`../shared/fixtures/mail_regressions/`, read in place), each with the result its README gives:
the From address and name, the Subject, a phrase of the visible text and the attachment names.

The long-header case scaled 8 times (a header size bound) is tested with intake's limits; here
the same mail is read at its own size.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.core.management import call_command

from rapport.mail.intake import read_headers
from rapport.mail.parse import ParsedEmail, parse_email
from tests.conftest import SHARED_FIXTURES, require_shared_fixtures

require_shared_fixtures()
FIXTURES = SHARED_FIXTURES / "mail_regressions"


def _squash(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Expected:
    file: str
    address: str
    subject: str
    visible: tuple[str, ...]
    attachments: tuple[str, ...] = ()
    name: str | None = None  # the From name, where the README gives it


EXPECTED = [
    Expected(
        "mimekit-issue358.eml",
        "jang.abcdef@xyzlinux12345678.it",
        "R: R: R: I: FR-selca LA selcaE",
        ("Test headers",),
    ),
    Expected(
        "mimekit-feedback-report.eml",
        "abusedesk@example.com",
        "FW: Earn money",
        ("This is an email abuse report for an email message received from IP 192.0.2.2",),
        ("Earn money.eml",),
    ),
    Expected(
        "mikel-raw_email_incorrect_header.eml",
        "xxx@xxx.xxx",
        "Stop adware/spyware once and for all.",
        ("You are infected with: Ad Ware and Spy Ware",),
        name="xxx xxx",
    ),
    Expected(
        "mikel-raw_email_bad_time.eml",
        "yusuf75thu@auracom.net",
        "[0]: XXXXXXX XXXXX XXXXX !",
        ("This message has been scanned for viruses and dangerous content by MailScanner",),
        name="Атиковa",  # noqa: RUF001 - Cyrillic, as the mail writes it
    ),
    Expected(
        "mikel-raw_email_with_illegal_boundary.eml",
        "email_test@me.nowhere",
        "Testing outlook",
        ("This is an outlook test",),
        name="Mikel Lindsaar",
    ),
    Expected(
        "mikel-raw_email_with_binary_encoded.eml",
        "email_test@me.nowhere",
        "Testing outlook",
        (),
        ("2013-08-13_19-08-28-1.jpg",),
    ),
    Expected(
        "mmp-m0001.eml",
        "doug@example.com",
        "Die Hasen und die Frösche (Microsoft Outlook 00)",
        ("Die Hasen klagten einst über ihre mißliche Lage",),
        name="Doug Sauder",
    ),
    Expected(
        "mmp-m2011.eml",
        "dwsauder@example.com",
        "Die Hasen und die Frösche",
        ("Die Hasen klagten einst über ihre mißliche Lage",),
        ("blueball.png", "HasenundFrösche.txt"),
        name="Doug Sauder",
    ),
    Expected(
        "flanker-from-encoding.eml",
        "ingo@blank.pages.de",
        "Re: running server as root (Was: Re: PUT method)",
        ("Isn't that the case for almost every other server you care to mention?",),
        name="Ingo Lütkebohle",
    ),
    Expected(
        "flanker-broken-headers.eml",
        "admin@advertise-bz.cn",
        "Forget Asking For A Link Exchange…",
        ("Listen up. I must let you in on a few insider *secrets*",),
        name="Link Directory SUbmitter",
    ),
    Expected(
        "mikel-invalid_subject_characters.eml",
        "info@formacaofrenetik.info",
        "Formação FrenetikPolis: Mega Campanha Final Verão | Cursos de Setembro",
        ("TEST",),
        name="Formação Frenetikpolis",
    ),
    Expected("mikel-raw_email6.eml", "xxx@xxxx.xxx", "", ("Test test. Hi. Waving.",)),
    Expected(
        "mikel-content_transfer_encoding_7-bit.eml",
        "discovercard_newsflash@discover.qrs1.net",
        "Discover(R) Card News Online - January 2002",
        ("DISCOVERÆ CARD", "©2002 Discover Bank. Member FDIC."),
        name="Discover Card",
    ),
    Expected(
        "flanker-long-header.eml",
        "bob@example.com",
        "",  # checked by its start below
        ("test",),
    ),
]


def _parsed(name: str) -> ParsedEmail:
    return parse_email((FIXTURES / name).read_bytes())


def test_every_fixture_mail_is_listed() -> None:
    assert sorted(e.file for e in EXPECTED) == sorted(p.name for p in FIXTURES.glob("*.eml"))


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda e: e.file)
def test_fixture_mail_reads_as_upstream_expects(expected: Expected) -> None:
    raw = (FIXTURES / expected.file).read_bytes()
    parsed = parse_email(raw)
    assert parsed.from_address == expected.address
    if expected.name is not None:
        assert parsed.from_name == expected.name
    if expected.file == "flanker-long-header.eml":
        assert parsed.subject.startswith(
            "Die heiße Zypernsonne quälte Max und Victoria ja böse auf dem Weg bis zur Küste"
        )
    else:
        assert _squash(parsed.subject) == expected.subject
    visible = _squash(parsed.visible_text)
    for phrase in expected.visible:
        assert phrase in visible
    if not expected.visible:
        assert visible == ""
    assert tuple(a.filename for a in parsed.attachments) == expected.attachments
    assert not any("Ã" in t or "Â" in t or "\ufffd" in t for t in (parsed.text, parsed.html))
    assert "\ufffd" not in parsed.subject + parsed.from_name
    # The fast read before storing agrees with the full parse.
    headers = read_headers(raw)
    assert headers.sender == expected.address
    assert _squash(headers.subject) == _squash(parsed.subject)[:300]


def test_a_header_line_without_indentation_joins_the_header_before_it() -> None:
    parsed = _parsed("mimekit-issue358.eml")
    visible = parsed.visible_text
    assert "x-microsoft-antispam" not in visible.lower()
    assert "Content-Type:" not in visible
    assert "P8FxVks" not in parsed.text
    assert "multipart/alternative" in dict(parsed.headers).get("Content-Type", "")


def test_the_reported_message_of_a_feedback_report_is_attached() -> None:
    (report,) = _parsed("mimekit-feedback-report.eml").attachments
    assert report.content_type == "message/rfc822"
    assert b"Subject: Earn money" in report.payload


def test_to_names_in_raw_latin_1_read_as_written() -> None:
    assert _parsed("mmp-m0001.eml").to[0][0] == "Jürgen Schmürgen"
    assert _parsed("mmp-m2011.eml").to[0][0] == "Jürgen Schmürgen"


def test_utf_8_bodies_labelled_ascii_or_latin_1_read_as_utf_8() -> None:
    email6 = _parsed("mikel-raw_email6.eml")
    assert "Envoyé par le service de messagerie texte de Bell Mobilité." in _squash(email6.text)
    discover = _parsed("mikel-content_transfer_encoding_7-bit.eml")
    assert "Fund" in discover.text
    assert not any(mark in discover.html for mark in ("Ã", "Â"))


def test_the_first_of_two_subjects_is_kept() -> None:
    assert _parsed("mikel-raw_email_with_binary_encoded.eml").subject == "Testing outlook"


def test_parse_email_command_reads_a_fixture_as_the_parser_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("parse_email", str(FIXTURES / "mmp-m2011.eml"), "--json")
    out = json.loads(capsys.readouterr().out)
    assert json.dumps(out, ensure_ascii=False).count("HasenundFrösche.txt") >= 1
    assert "Die Hasen und die Frösche" in json.dumps(out, ensure_ascii=False)
