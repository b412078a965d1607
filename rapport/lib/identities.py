"""Normalising customer addresses so one person written to on three channels is one customer."""

from __future__ import annotations

import re
from email.utils import parseaddr

import phonenumbers


class InvalidIdentity(ValueError):
    """The value cannot be an address of this kind; the message says why, for a person."""


# A Mastodon (fediverse) handle keeps its instance: "mastodon:anna@social.example". A Bluesky
# handle is a domain name, often longer than a user name: up to 190 characters.
_SOCIAL_RE = re.compile(
    r"^(?:(?P<network>[a-z0-9_.-]+):)?@?(?P<handle>[a-z0-9_.-]{1,190}(?:@[a-z0-9.-]{1,190})?)$",
    re.IGNORECASE | re.ASCII,
)
_DOMAIN_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_EXTERNAL_RE = re.compile(r"^[\w.:/#@+-]{1,200}$")


# An address already in its normal form (lower-case ASCII, dots only between characters, a
# domain of two or more well-formed labels): given back as it is, without parsing it again.
_NORMAL_EMAIL = re.compile(
    r"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
)


def normalise_email(raw: str) -> str:
    """Lower-case, display name stripped; international (SMTPUTF8) addresses are kept."""
    if _NORMAL_EMAIL.fullmatch(raw):
        return raw
    _, address = parseaddr(raw.strip())
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or any(c.isspace() or ord(c) < 32 for c in address):
        raise InvalidIdentity(f"{raw!r} is not an email address (expected name@example.com)")
    if local.startswith(".") or local.endswith(".") or ".." in local or '"' in local:
        raise InvalidIdentity(f"{raw!r} is not an email address (check the dots and quotes)")
    domain = domain.lower().rstrip(".")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise InvalidIdentity(f"{raw!r} has an invalid domain") from exc
    labels = domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels):
        raise InvalidIdentity(f"{raw!r} is not an email address (expected name@example.com)")
    return f"{local.lower()}@{domain}"


def normalise_phone(raw: str, *, default_region: str = "US") -> str:
    """E.164, e.g. +34911234567; numbers without a country code use `default_region`."""
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidIdentity(f"{raw!r} is not a phone number: {exc.args[0]}") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentity(
            f"{raw!r} is not a valid phone number (include the country code, e.g. +44 20 7946 0958)"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_social(raw: str) -> str:
    """`network:handle` lower-cased, without the "@": "x:@Anna_B" becomes "x:anna_b",
    "mastodon:@Anna@Social.Example" becomes "mastodon:anna@social.example"."""
    match = _SOCIAL_RE.match(raw.strip())
    if not match:
        raise InvalidIdentity(
            f"{raw!r} is not a social handle (expected network:@handle, e.g. x:@anna)"
        )
    network, handle = match.group("network"), match.group("handle").lower()
    return f"{network.lower()}:{handle}" if network else handle


def normalise_external(raw: str) -> str:
    value = raw.strip()
    if not _EXTERNAL_RE.match(value):
        raise InvalidIdentity(f"{raw!r} is not a usable external id (letters, digits and .:/#@+-)")
    return value


def normalise(kind: str, raw: str, *, default_region: str = "US") -> str:
    if kind == "email":
        return normalise_email(raw)
    if kind == "phone":
        return normalise_phone(raw, default_region=default_region)
    if kind == "social":
        return normalise_social(raw)
    if kind == "external":
        return normalise_external(raw)
    raise InvalidIdentity(f"{kind!r} is not a kind of identity (email, phone, social, external)")
