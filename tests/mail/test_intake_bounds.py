"""What one mail may cost intake: header fields cut before parsing (CPython's header parser is
quadratic, gh-136063), attachments and recipients capped, with a note on the intake row."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from rapport.cases.models import Attachment, Case
from rapport.mail.bounds import bound_headers, read_mail
from rapport.mail.intake import read_headers
from rapport.mail.parse import parse_email
from tests.conftest import World, shared_fixture
from tests.mail.intake_helpers import ingest, make_mail

LONG_HEADER = ("mail_regressions", "flanker-long-header.eml")
SUBJECT_START = "Die heiße Zypernsonne quälte Max und Victoria ja böse auf dem Weg bis zur Küste"
ROOT = Path(__file__).resolve().parents[2]


def scaled(times: int) -> bytes:
    """flanker-long-header.eml with the Subject's value appended `times - 1` more times as
    folded lines, as the fixture's README builds its scaled case."""
    lines = shared_fixture(*LONG_HEADER).read_bytes().split(b"\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(b"Subject:"))
    end = start + 1
    while lines[end][:1] in (b" ", b"\t"):
        end += 1
    value = [lines[start][len(b"Subject:") :], *lines[start + 1 : end]]
    folded = [b" " + line.strip() for line in value]
    return b"\n".join([*lines[:end], *folded * (times - 1), *lines[end:]])


def test_the_long_header_fixture_at_its_own_size_reads_as_upstream_says() -> None:
    parsed = read_mail(shared_fixture(*LONG_HEADER).read_bytes())
    assert parsed.from_address == "bob@example.com"
    assert " ".join(parsed.subject.split()).startswith(SUBJECT_START)
    assert parsed.visible_text.strip() == "test"
    assert parsed.attachments == ()
    assert not any("unparseable" in note for note in parsed.parse_errors)


_CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "rapport.settings"
django.setup()
from rapport.mail.bounds import read_mail
from rapport.mail.intake import read_headers
raw = sys.stdin.buffer.read()
began = time.perf_counter()
headers = read_headers(raw)
parsed = read_mail(raw)
print(json.dumps({{
    "seconds": time.perf_counter() - began,
    "from": parsed.from_address, "subject": parsed.subject, "stored_subject": headers.subject,
    "text": parsed.visible_text, "attachments": len(parsed.attachments),
    "notes": list(parsed.parse_errors),
    "peak_mb": peak_mb(),
}}))
"""
# Not getrusage's ru_maxrss: Linux carries it across exec from the forked parent, so the child
# reported the size of the pytest process that spawned it (558 MB late in the suite). VmHWM is the
# high-water mark of this program's own memory.
_PEAK = """
def peak_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")
"""


def _limited() -> None:  # pragma: no cover - runs in the child
    gigabyte = 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (gigabyte, gigabyte))


def test_the_long_header_fixture_scaled_8x_reads_in_under_2_s_and_500_mb() -> None:
    raw = scaled(8)
    assert 1_600_000 < len(raw) < 1_750_000  # the 1.68 MB mail of the fixture's README
    child = subprocess.run(  # noqa: S603 - our interpreter, our script
        [sys.executable, "-c", _PEAK + _CHILD.format(root=str(ROOT))],
        input=raw,
        capture_output=True,
        timeout=60,
        preexec_fn=_limited,
        env={**os.environ, "SECRET_KEY": "s" * 50},
        check=True,
    )
    result = json.loads(child.stdout)
    assert result["seconds"] < 2.0
    assert result["peak_mb"] < 500
    assert result["from"] == "bob@example.com"
    assert " ".join(result["subject"].split()).startswith(SUBJECT_START)
    assert result["stored_subject"].startswith(SUBJECT_START)
    assert result["text"].strip() == "test"
    assert result["attachments"] == 0
    assert not any("unparseable" in note for note in result["notes"])
    assert result["notes"][0].startswith("Subject header of 1,677,424 bytes shortened to")


def test_a_header_is_cut_at_a_fold_and_the_rest_of_the_mail_is_untouched() -> None:
    long_subject = b"Subject: start\r\n" + b" =?utf-8?q?w=C3=B6rd?=\r\n" * 200
    raw = (
        b"From: a@example.com\r\n" + long_subject + b"To: b@example.com\r\n\r\n"
        b"--not a boundary\r\nbody text\r\n"
    )
    bounded, notes = bound_headers(raw, limit=1024)
    assert len(bounded) < len(raw)
    head, _, body = bounded.partition(b"\r\n\r\n")
    assert body == b"--not a boundary\r\nbody text\r\n"
    assert head.endswith(b"?=\r\nTo: b@example.com")  # whole encoded words, the next header kept
    assert notes == [
        f"Subject header of {len(long_subject):,} bytes shortened to 1,024 before parsing "
        "(RAPPORT_INBOUND_MAX_HEADER_BYTES=1,024); the original is kept whole"
    ]
    parsed = parse_email(bounded)
    assert parsed.subject.startswith("start wörd")
    assert [address for _, address in parsed.to] == ["b@example.com"]
    # A mail within the limit is given back as it is (the same object: nothing copied).
    small = make_mail()
    assert bound_headers(small, limit=len(small))[0] is small


def test_a_mime_part_header_is_cut_too(settings: Settings) -> None:
    settings.RAPPORT_INBOUND_MAX_HEADER_BYTES = 2048
    name = "a" * 20_000 + ".txt"
    raw = make_mail(attachments=[(name, "text/plain", b"hello")])
    parsed = read_mail(raw)
    assert any(note.startswith("Content-Disposition header of") for note in parsed.parse_errors)
    assert parsed.visible_text.startswith("She coughed all night again.")
    assert len(parsed.attachments) == 1


def test_the_stored_subject_of_a_huge_header_is_read_within_the_bound(settings: Settings) -> None:
    settings.RAPPORT_INBOUND_MAX_HEADER_BYTES = 4096
    headers = read_headers(scaled(2))
    assert headers.subject.startswith(SUBJECT_START)
    assert headers.sender == "bob@example.com"


@pytest.mark.django_db
def test_attachments_past_the_cap_stay_in_the_original_and_the_row_says_so(
    world: World, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.RAPPORT_INBOUND_MAX_ATTACHMENTS = 5
    raw = make_mail(
        attachments=[
            (f"scan-{n}.pdf", "application/pdf", b"%PDF-1.4 " + bytes([n])) for n in range(8)
        ]
    )
    result, row = ingest(raw)
    assert result.outcome == "new_case"
    names = sorted(Attachment.objects.values_list("filename", flat=True))
    assert names == [f"scan-{n}.pdf" for n in range(5)]
    assert len(list(tmp_path.rglob("scan-*"))) == 5
    assert row.parse_errors[0] == (
        "8 attachments; the first 5 are kept (RAPPORT_INBOUND_MAX_ATTACHMENTS), the rest only "
        "in the original"
    )
    assert bytes(row.raw) == raw  # nothing lost: the original holds all eight


@pytest.mark.django_db
def test_recipients_past_the_cap_are_not_read(
    world: World, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.RAPPORT_INBOUND_MAX_RECIPIENTS = 3
    to = ", ".join(f"person{n}@example.org" for n in range(10))
    parsed = read_mail(make_mail(to=to, headers={"Cc": "cc@example.org"}))
    assert [address for _, address in parsed.to] == [f"person{n}@example.org" for n in range(3)]
    assert parsed.cc == ()
    assert "11 recipients in To and Cc; the first 3 are read" in parsed.parse_errors[0]
    result, _ = ingest(make_mail(to=to))
    assert result.case_id is not None and Case.objects.filter(pk=result.case_id).exists()
