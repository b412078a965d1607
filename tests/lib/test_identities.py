"""rapport.lib.identities: one person, one normal form of each address."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.lib.identities import _NORMAL_EMAIL, InvalidIdentity, normalise_email, normalise_phone


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Ana@Example.COM", "ana@example.com"),
        ("Ana Ortiz <ana.ortiz@clinic.example>", "ana.ortiz@clinic.example"),
        ("  bob+desk@mail.example  ", "bob+desk@mail.example"),
        ("josé@bücher.example", "josé@xn--bcher-kva.example"),
        ("a_b-c@sub.domain.example", "a_b-c@sub.domain.example"),
    ],
)
def test_addresses_are_normalised(raw: str, normal: str) -> None:
    assert normalise_email(raw) == normal


@pytest.mark.parametrize(
    "raw",
    ["nobody", "a..b@example.com", ".a@example.com", "a@localhost", "a@-x.example", "a b@x.io"],
)
def test_what_is_no_address_is_refused(raw: str) -> None:
    with pytest.raises(InvalidIdentity):
        normalise_email(raw)


label = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
addresses = st.builds(
    lambda local, labels: f"{local}@{'.'.join(labels)}",
    st.from_regex(r"[a-z0-9_+-]{1,6}(?:\.[a-z0-9_+-]{1,6}){0,2}", fullmatch=True),
    st.lists(label, min_size=2, max_size=4),
)


@settings(max_examples=300, deadline=None)
@given(addresses)
def test_an_address_in_normal_form_is_given_back_as_the_full_check_would_give_it(
    address: str,
) -> None:
    assert _NORMAL_EMAIL.fullmatch(address)
    # A leading space takes the full path (parse, checks, IDNA): the same result.
    assert normalise_email(address) == normalise_email(f" {address}") == address


def test_what_is_no_phone_number_is_refused_with_the_parsers_reason() -> None:
    with pytest.raises(InvalidIdentity, match="'call me' is not a phone number: The string"):
        normalise_phone("call me")
