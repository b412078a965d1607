"""Auto-reply and bounce detection against sisimai/set-of-emails and Zammad's header rules."""

from __future__ import annotations

import json
from typing import Any

import pytest

from rapport.mail.autoreply import classify_auto_reply
from rapport.mail.parse import parse_email
from tests.conftest import SHARED_FIXTURES, require_shared_fixtures

require_shared_fixtures()
SISIMAI = SHARED_FIXTURES / "sisimai_set_of_emails"
ZAMMAD = SHARED_FIXTURES / "zammad_auto_response"
EXPECTED: dict[str, dict[str, Any]] = json.loads((SISIMAI / "expected.json").read_text())

# lhost-postfix-64 has no closing MIME boundary and its DSN part is never terminated; the stdlib
# parser cannot recover the recipient, though the message is still recognised as a bounce.
RECIPIENTS_UNRECOVERABLE = {"maildir/bsd/lhost-postfix-64.eml"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sisimai_classification(name: str) -> None:
    expected = EXPECTED[name]
    parsed = parse_email((SISIMAI / name).read_bytes())
    kind = expected["kind"]
    if kind == "bounce":
        assert parsed.is_bounce
        if expected["recipients"] and name not in RECIPIENTS_UNRECOVERABLE:
            assert len(parsed.bounce_recipients) == len(expected["recipients"])
            assert all("@" in r.address for r in parsed.bounce_recipients)
    elif kind in ("auto_reply", "auto_reply_or_notice", "delivery_status_success"):
        # Machine-generated: never acknowledged, never reopens a case, but not a failed address.
        assert parsed.is_auto_reply
        assert not parsed.is_bounce
    else:
        assert kind == "not_bounce"
        assert not parsed.is_bounce
        assert parsed.is_auto_reply is expected["helpdesk_expect_automated"]


def test_sisimai_set_is_complete() -> None:
    assert len(EXPECTED) == 142
    assert all((SISIMAI / name).exists() for name in EXPECTED)


def test_sisimai_bounce_status_agreement() -> None:
    """sisimai's D.S.N. column is partly its own inference from the diagnostic prose (e.g.
    5.9.350 for a TLS failure), so an exact match on every row is not a fair bar for a DSN
    reader. We require the status class (2/4/5: delivered / temporary / permanent) to agree
    for 90 % of recipients and report the exact agreement."""
    total = exact = same_class = 0
    for name, expected in EXPECTED.items():
        if expected["kind"] != "bounce" or not expected["recipients"]:
            continue
        parsed = parse_email((SISIMAI / name).read_bytes())
        if len(parsed.bounce_recipients) != len(expected["recipients"]):
            continue
        for got, want in zip(parsed.bounce_recipients, expected["recipients"], strict=True):
            total += 1
            exact += got.status == want["dsn"]
            same_class += got.status[:1] == want["dsn"][:1]
    print(f"sisimai DSN status: exact {exact}/{total}, class {same_class}/{total}")
    assert total >= 125
    assert same_class / total >= 0.90


def test_delivered_dsn_is_automated_not_a_bounce() -> None:
    parsed = parse_email((SISIMAI / "maildir/bsd/rfc3464-28.eml").read_bytes())
    assert parsed.is_auto_reply
    assert not parsed.is_bounce


def test_bounce_recipient_details() -> None:
    parsed = parse_email((SISIMAI / "maildir/bsd/lhost-gmail-01.eml").read_bytes())
    (recipient,) = parsed.bounce_recipients
    assert recipient.status == "5.1.1"
    assert parsed.bounce_reason


# x-zammad-* headers are Zammad's own overrides written by earlier admin filters, not facts about
# the message; Rapport has no such pipeline headers, so those rows do not apply and are left out.
ZAMMAD_AUTO = [
    case
    for case in json.loads((ZAMMAD / "auto_response_check_cases.json").read_text())["cases"]
    if not any(name.lower().startswith("x-zammad-") for name in case["headers"])
]
ZAMMAD_OOO = json.loads((ZAMMAD / "out_of_office_cases.json").read_text())["cases"]


@pytest.mark.parametrize("case", ZAMMAD_AUTO, ids=lambda c: json.dumps(c["headers"]))
def test_zammad_auto_response(case: dict[str, Any]) -> None:
    headers = case["headers"]
    verdict = classify_auto_reply(list(headers.items()), "Some subject")
    # Zammad's "auto-response" withholds the automatic acknowledgment; its ticket is still
    # opened. Rapport records an auto-reply only, but opens a case for mailing-list mail.
    assert verdict.never_acknowledge is case["expect"]["is_auto_response"]
    assert (not verdict.never_acknowledge) is case["expect"]["send_auto_response"]


@pytest.mark.parametrize("case", ZAMMAD_OOO, ids=lambda c: c["name"])
def test_zammad_out_of_office(case: dict[str, Any]) -> None:
    headers = {"From": "me@example.com", "To": "customer@example.com", **case["headers"]}
    raw = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    raw += f"Subject: {case['subject']}\r\n\r\nSome Text\r\n"
    parsed = parse_email(raw.encode())
    assert parsed.is_out_of_office is case["expect_out_of_office"]
    if case["expect_out_of_office"]:
        assert parsed.is_auto_reply


@pytest.mark.parametrize(
    ("headers", "subject", "expected"),
    [
        ([("Auto-Submitted", "no")], "Hello", False),
        ([("Auto-Submitted", "auto-generated")], "Hello", True),
        ([("X-Autoreply", "yes")], "Hello", True),
        ([("X-Autorespond", "Vacation")], "Hello", True),
        ([("Precedence", "junk")], "Hello", True),
        ([("Precedence", "bulk")], "Hello", True),
        ([("Precedence", "list")], "Hello", False),  # list mail: a case, never acknowledged
        ([("List-Id", "<x.lists.example.org>")], "Hello", False),
        ([("List-Id", "<x.lists.example.org>")], "Automatic reply: Hello", True),
        ([("X-Loop", "no")], "Hello", False),
        ([("X-Auto-Response-Suppress", "OOF, AutoReply")], "Hello", True),
        ([], "Automatic reply: Invoice 12", True),
        ([], "Abwesenheitsnotiz: Rechnung", True),
        ([], "Re: my automatic reply settings are broken", False),
    ],
)
def test_auto_reply_rules(headers: list[tuple[str, str]], subject: str, expected: bool) -> None:
    assert classify_auto_reply(headers, subject).is_auto_reply is expected


@pytest.mark.parametrize(
    ("headers", "is_list"),
    [
        ([("List-Id", "Cello makers <cello.lists.example.org>")], True),
        ([("List-Unsubscribe", "<mailto:leave@lists.example.org>")], True),
        ([("Precedence", "list")], True),
        ([("Precedence", "bulk")], False),
        ([("Precedence", "bulk"), ("X-Loop", "yes")], False),
        ([("Precedence", "junk"), ("List-Id", "<devel.lists.fedoraproject.org>")], True),
    ],
)
def test_mailing_list_mail_is_never_acknowledged_but_is_no_auto_reply(
    headers: list[tuple[str, str]], is_list: bool
) -> None:
    verdict = classify_auto_reply(headers, "Does anyone repair latches?")
    assert verdict.is_list is is_list
    assert verdict.never_acknowledge
    assert verdict.is_auto_reply is (not is_list)
    automatic = classify_auto_reply([*headers, ("Auto-Submitted", "auto-replied")], "Away")
    assert automatic.is_auto_reply  # an auto-reply sent to a list is still one
