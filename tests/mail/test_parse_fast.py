"""The parser's shortcuts give what `policy.default` gives.

Plain address headers and subjects without encoded words are read from the raw header instead
of `policy.default`'s header objects, and the objects of headers whose values repeat
(Content-Type, Content-Transfer-Encoding, ...) are kept between mails. Each test compares
the shortcut with `policy.default` itself on the inputs the shortcut takes, including
generated ones, so a form the shortcut reads differently fails here.
"""

from __future__ import annotations

import email
import email.policy
import email.utils

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.mail.intake import clean_strings, read_headers
from rapport.mail.parse import parse_email
from rapport.mail.policy import PLAIN_ADDRESSES, POLICY
from tests.conftest import shared_fixture

ATEXT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-"


def _reference(value: str) -> list[tuple[str, str]]:
    """What parse_email reads from an address header through `policy.default`."""
    message = email.message_from_string(f"To: {value}\n\nx\n", policy=email.policy.default)
    header = message["To"]
    if header.defects:
        pairs = email.utils.getaddresses([str(header)])
    else:
        pairs = [(a.display_name, a.addr_spec) for a in header.addresses]
    return [
        (" ".join(name.split()), address.strip().lower())
        for name, address in pairs
        if address or name
    ]


def _shortcut(value: str) -> list[tuple[str, str]]:
    return [tuple(pair) for pair in parse_email(f"To: {value}\n\nx\n".encode()).to]  # type: ignore[misc]


atoms = st.text(alphabet=ATEXT, min_size=1, max_size=8)
dot_atoms = st.lists(atoms, min_size=1, max_size=3).map(".".join)
domains = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=8),
    min_size=1,
    max_size=3,
).map(".".join)
addr_specs = st.tuples(dot_atoms, domains).map("@".join)
phrases = st.lists(atoms, min_size=1, max_size=4).map(" ".join)
mailboxes = st.one_of(
    addr_specs,
    st.tuples(phrases, st.sampled_from([" ", ""]), addr_specs).map(
        lambda parts: f"{parts[0]}{parts[1]}<{parts[2]}>"
    ),
)
lists = st.tuples(st.lists(mailboxes, min_size=1, max_size=4), st.sampled_from([", ", ","])).map(
    lambda parts: parts[1].join(parts[0])
)


@settings(max_examples=400, deadline=None)
@given(lists)
def test_plain_address_headers_read_as_policy_default_reads_them(value: str) -> None:
    assert PLAIN_ADDRESSES.fullmatch(value)  # the generator makes what the shortcut takes
    assert _shortcut(value) == _reference(value)


def test_every_fixture_address_header_the_shortcut_takes_reads_the_same() -> None:
    checked = 0
    for path in sorted(shared_fixture().rglob("*")):
        if not path.is_file() or path.suffix in {".json", ".md", ".py", ".csv"}:
            continue
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.compat32)
        for name in ("From", "To", "Cc", "Reply-To"):
            for raw in message.get_all(name, []):
                value = " ".join(str(raw).split())
                if "=?" in value or not PLAIN_ADDRESSES.fullmatch(value):
                    continue
                checked += 1
                assert _shortcut(value) == _reference(value), (path, value)
    assert checked > 100


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.characters(min_codepoint=32, max_codepoint=126) | st.sampled_from(["\t"]),
        max_size=120,
    ).filter(lambda text: "=?" not in text)
)
def test_subjects_without_encoded_words_read_as_policy_default_reads_them(text: str) -> None:
    raw = f"From: a@example.com\nSubject: {text}\n\nx\n".encode()
    expected = " ".join(
        str(email.message_from_bytes(raw, policy=email.policy.default)["Subject"]).split()
    )
    assert parse_email(raw).subject == expected


def test_encoded_words_and_quoted_names_still_go_through_policy_default() -> None:
    parsed = parse_email(
        b'From: =?utf-8?B?eHB0bw?= <a@example.com>\r\nTo: "Doe, Jo" <jo@example.com>\r\n'
        b"Subject: =?utf-8?q?Caf=C3=A9?= open\r\n\r\nx\r\n"
    )
    assert parsed.sender == ("xpto", "a@example.com")
    assert parsed.to == (("Doe, Jo", "jo@example.com"),)
    assert parsed.subject == "Café open"


def test_kept_header_objects_are_shared_and_equal_to_fresh_ones() -> None:
    raw = (
        b"From: a@example.com\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\nx\r\n"
    )
    first = email.message_from_bytes(raw, policy=POLICY)
    second = email.message_from_bytes(raw, policy=POLICY)
    fresh = email.message_from_bytes(raw, policy=email.policy.default)
    assert first["Content-Type"] is second["Content-Type"]  # parsed once for both mails
    assert first["Content-Type"] == fresh["Content-Type"]
    assert first["Content-Type"].params == fresh["Content-Type"].params  # type: ignore[union-attr]
    assert first.get_content_charset() == "utf-8"
    assert first["Content-Transfer-Encoding"].cte == "quoted-printable"  # type: ignore[union-attr]
    # A long value (a multipart boundary can be anything) is parsed each time, not kept.
    long_type = b"Content-Type: text/plain; name=" + b"x" * 300 + b"\r\n\r\nx\r\n"
    one = email.message_from_bytes(long_type, policy=POLICY)
    two = email.message_from_bytes(long_type, policy=POLICY)
    assert one["Content-Type"] is not two["Content-Type"]
    assert one["Content-Type"] == two["Content-Type"]


def test_clean_strings_gives_clean_mail_back_as_it_is_and_cleans_the_rest() -> None:
    clean = parse_email(
        b"From: Ana <ana@example.com>\r\nSubject: =?utf-8?q?Caf=C3=A9?=\r\n\r\nHola\r\n"
    )
    assert clean_strings(clean) is clean  # nothing to clean: not copied
    dirty = parse_email(
        b"From: a@example.com\r\nSubject: x\x00y\r\nX-Odd: \xff\xfe\r\n\r\nbody\x00 here\r\n"
    )
    cleaned = clean_strings(dirty)
    assert cleaned is not dirty
    assert cleaned.subject == "xy"
    assert cleaned.text == "body here\n"
    assert ("X-Odd", "ÿþ") in cleaned.headers  # raw 8-bit: not UTF-8, so windows-1252
    assert cleaned.sender == dirty.sender  # untouched parts are kept
    assert all("\x00" not in value for _, value in cleaned.headers)


# -- hostile senders: the fast read before storing and the full parse agree ----------------------

VICTIM = "victim@example.com"
ATTACKER = "attacker@evil.example"


def _both(from_value: str) -> tuple[str, str]:
    """(the sender `read_headers` stores, the sender `parse_email` gives) for one From."""
    raw = f"From: {from_value}\r\nSubject: [#1] hi\r\n\r\nx\r\n".encode()
    return read_headers(raw).sender, parse_email(raw).from_address


@pytest.mark.parametrize(
    "value",
    [
        f"{VICTIM} <{ATTACKER}>",
        f"{VICTIM}<{ATTACKER}>",
        f'"{VICTIM}" <{ATTACKER}>',
        f"Victim ({VICTIM}) <{ATTACKER}>",
        f"{ATTACKER} ({VICTIM})",
        f"=?utf-8?q?{VICTIM.replace('@', '=40')}?= <{ATTACKER}>",
        f"Ana <{VICTIM}> <{ATTACKER}>",
        f"<{VICTIM}> {ATTACKER}",
        f"{VICTIM} {ATTACKER}",
        f'"Ana <{VICTIM}>" <{ATTACKER}>',
    ],
)
def test_an_address_in_the_display_name_never_becomes_the_sender(value: str) -> None:
    fast, full = _both(value)
    assert fast == full
    assert VICTIM not in fast  # the attacker's own address, or none (refused: no sender)
    parsed = parse_email(f"From: {value}\r\n\r\nx\r\n".encode())
    if parsed.from_address:
        assert VICTIM not in parsed.from_name  # nor does the victim's address show as the name


def test_the_upstream_mail_with_an_address_as_its_name_reads_the_angle_address() -> None:
    fast, full = _both("jang.abcdef@xyzlinu <jang.abcdef@xyzlinux12345678.it>")
    assert fast == full == "jang.abcdef@xyzlinux12345678.it"


def test_a_display_name_that_is_the_same_address_is_kept() -> None:
    parsed = parse_email(b'From: "ana@example.com" <Ana@Example.com>\r\n\r\nx\r\n')
    assert parsed.sender == ("ana@example.com", "ana@example.com")


name_parts = st.one_of(
    phrases,
    addr_specs,
    st.tuples(phrases, addr_specs).map(" ".join),
    addr_specs.map(lambda a: f'"{a}"'),
    addr_specs.map(lambda a: f"({a})"),
    addr_specs.map(lambda a: f"<{a}>"),
    st.sampled_from(['"', "<", ">", "(", ")", ";", ":", "\\", "=?utf-8?q?x?=", "@"]),
)
hostile_froms = st.tuples(
    st.lists(name_parts, max_size=4).map(" ".join),
    st.sampled_from([" ", "", "  "]),
    addr_specs,
    st.lists(name_parts, max_size=2).map(" ".join),
).map(lambda p: f"{p[0]}{p[1]}<{p[2]}> {p[3]}".strip())


@settings(max_examples=500, deadline=None)
@given(hostile_froms)
def test_fast_and_full_reads_of_a_hostile_from_agree(value: str) -> None:
    fast, full = _both(value)
    assert fast == full
    # The sender is always one of the addresses in angle brackets, never one only named in the
    # display text or a comment (commas, which make a list of mailboxes, are not generated).
    if fast:
        assert f"<{fast}>" in value.lower() or "<" not in value


@settings(max_examples=300, deadline=None)
@given(mailboxes)
def test_fast_and_full_reads_of_a_plain_from_agree_with_policy_default(value: str) -> None:
    fast, full = _both(value)
    assert fast == full == _reference(value)[0][1]


@pytest.mark.parametrize(
    "value", [f"Ana <{VICTIM}> <{ATTACKER}>", f"<{VICTIM}> {ATTACKER}", f"{VICTIM} {ATTACKER}"]
)
def test_a_from_naming_two_addresses_gives_no_sender_rather_than_a_guess(value: str) -> None:
    assert _both(value) == ("", "")
