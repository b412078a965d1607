"""Hypothesis: arbitrary bytes never crash intake; the message is kept, and settled."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.mail.models import InboundStatus
from tests.mail.intake_helpers import ingest

pytestmark = pytest.mark.django_db

HEADER_LINES = st.lists(
    st.sampled_from(
        [
            b"From: =?utf-8?q?Ma=00ria?= <maria\x00@example.com>",
            b"From: \xff\xfe <x@example.com>",
            b"From: Caf\xc3\xa9 <cafe@example.com>",
            b"Subject: \xe9t\xe9 \x00 [#1]",
            b"Subject: =?iso-2022-jp?b?GyRCJDMkcyRLJEEkTxsoQg==?=",
            b"Message-ID: <\xff@x>",
            b"Message-ID: <" + b"a" * 400 + b"@x>",
            b"In-Reply-To: <nothing@x>",
            b"Content-Type: multipart/mixed; boundary=b",
            b"Content-Type: text/html; charset=x-unknown",
            b"Content-Transfer-Encoding: base64",
            b"Auto-Submitted: auto-replied",
            b"--b",
            b'Content-Disposition: attachment; filename="..\\..\\x\x00.exe"',
            b"",
        ]
    ),
    max_size=12,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(headers=HEADER_LINES, body=st.binary(max_size=400))
def test_arbitrary_mail_is_kept_and_never_fails(headers: list[bytes], body: bytes) -> None:
    raw = b"\r\n".join(headers) + b"\r\n\r\n" + body
    result, row = ingest(raw)
    assert bytes(row.raw) == raw
    assert row.status != InboundStatus.FAILED, row.error
    assert result.outcome in {
        "new_case",
        "threaded",
        "duplicate",
        "auto_reply",
        "bounce",
        "rejected",
    }
