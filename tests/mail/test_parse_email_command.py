"""`rapport parse-email --json FILE`."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import shared_fixture

REQUIRED = {
    "from", "to", "subject", "message_id", "in_reply_to", "references", "visible_text",
    "is_auto_reply", "is_bounce", "bounce_recipients", "attachments",
}  # fmt: skip


def run(*args: str) -> str:
    out = StringIO()
    call_command("parse_email", *args, stdout=out)
    return out.getvalue()


def test_json_output_for_a_reply(tmp_path: Path) -> None:
    raw = tmp_path / "reply.eml"
    raw.write_bytes(
        b"From: Ana <ana@example.com>\r\nTo: desk@example.org\r\nSubject: Re: Cough [#7]\r\n"
        b"Message-ID: <b@example.com>\r\nIn-Reply-To: <a@example.org>\r\n"
        b"References: <a@example.org>\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n"
        b"--x\r\nContent-Type: text/plain\r\n\r\nBetter now.\r\n\r\n"
        b"On Mon, 1 Jan 2024, Desk <desk@example.org> wrote:\r\n> How is she?\r\n"
        b"--x\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=x.png\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\niVBORw0K\r\n--x--\r\n"
    )
    result = json.loads(run("--json", str(raw)))
    assert set(result) >= REQUIRED
    assert result["from"] == "ana@example.com"
    assert result["to"] == ["desk@example.org"]
    assert result["subject"] == "Re: Cough [#7]"
    assert result["message_id"] == "b@example.com"
    assert result["in_reply_to"] == ["a@example.org"]
    assert result["references"] == ["a@example.org"]
    assert result["visible_text"] == "Better now."
    assert result["is_auto_reply"] is False
    assert result["is_bounce"] is False
    assert result["bounce_recipients"] == []
    assert result["attachments"][0] | {"content_id": "", "inline": False} == {
        "filename": "x.png", "content_type": "image/png", "size": 6, "content_id": "",
        "inline": False,
    }  # fmt: skip


def test_json_output_for_a_bounce() -> None:
    result = json.loads(
        run(
            "--json",
            str(shared_fixture("sisimai_set_of_emails", "maildir/bsd/lhost-postfix-01.eml")),
        )
    )
    assert result["is_bounce"] is True
    assert result["bounce_recipients"]
    assert all("@" in address for address in result["bounce_recipients"])


def test_garbage_file_still_prints_json(tmp_path: Path) -> None:
    raw = tmp_path / "junk.eml"
    raw.write_bytes(bytes(range(256)) * 4)
    result = json.loads(run("--json", str(raw)))
    assert set(result) >= REQUIRED


def test_human_output(tmp_path: Path) -> None:
    raw = tmp_path / "a.eml"
    raw.write_bytes(b"From: a@example.com\r\nSubject: Hello\r\n\r\nHi there\r\n")
    output = run(str(raw))
    assert "subject: Hello" in output
    assert output.rstrip().endswith("Hi there")


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        run("--json", str(tmp_path / "nope.eml"))
