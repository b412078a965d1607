"""What the database can store, checked where input comes in (the API's schemas, the web forms),
and the one form text is stored in: every line ending LF (`with_lf`).

PostgreSQL refuses a NUL character in text, SQLite's driver a lone UTF-16 surrogate (which
cannot be encoded as UTF-8); a 64-bit column an integer past 2**63 - 1. Dates in year 1 or 9999
store, but every page that shows them in another time zone overflows. Each of these, let
through, is a 500 at best and a stored denial of service at worst: refused here with a message
that names the problem, so nothing reaches an action that the database would refuse.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar, cast

# Every moment a person could mean: birthdays of the very old to appointments of the far future.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
EARLIEST_DAY = EARLIEST.date()
LATEST_DAY = LATEST.date()
# BigAutoField and the database's own 64-bit integers.
MAX_INT = 2**63 - 1

T = TypeVar("T")

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "must not contain a NUL character (\\u0000)"
    return f"must not contain a lone surrogate (\\u{ord(found.group()):04x}); send valid UTF-8"


def moment_problem(value: datetime) -> str | None:
    if value.tzinfo is None or value.utcoffset() is None:
        return "needs a time zone offset (e.g. 2026-03-01T09:30:00+01:00 or ...Z)"
    if not EARLIEST <= value < LATEST:
        return f"must be between {EARLIEST.year} and {LATEST.year - 1}"
    return None


def day_problem(value: date) -> str | None:
    if not EARLIEST_DAY <= value < LATEST_DAY:
        return f"must be between {EARLIEST.year} and {LATEST.year - 1}"
    return None


def _int_problem(value: int) -> str | None:
    return None if -MAX_INT <= value <= MAX_INT else "is too large"


def _decimal_problem(value: Decimal) -> str | None:
    return None if value.is_finite() else "must be a finite number"


# In order: a bool is an int and a datetime a date, each with its own rule.
_CHECKS: tuple[tuple[type[Any], Callable[[Any], str | None]], ...] = (
    (str, text_problem),
    (datetime, moment_problem),
    (date, day_problem),
    (bool, lambda _: None),
    (int, _int_problem),
    (Decimal, _decimal_problem),
)


def problem(value: Any) -> str | None:
    """Why `value` (parsed input: text, times, numbers, and lists or mappings of them) cannot be
    stored, or None. Nested containers are searched, mapping keys included."""
    if isinstance(value, Mapping):
        return next(filter(None, (problem(part) for pair in value.items() for part in pair)), None)
    if isinstance(value, list | tuple | set | frozenset):
        return next(filter(None, (problem(item) for item in value)), None)
    check = next((check for kind, check in _CHECKS if isinstance(value, kind)), None)
    return check(value) if check else None


def storable(value: T) -> T:
    """`value` unchanged, or a ValueError saying why the database could not keep it."""
    found = problem(value)
    if found:
        raise ValueError(found)
    return value


def with_lf(value: T) -> T:
    """`value` with every line break of its text as LF. A browser sends a textarea's lines as
    CRLF (HTML's form encoding) and a client may send CR alone; stored as sent, the same words
    would read as different text (a search, a saved reply sent unchanged, an outbound mail).
    Lists and mapping values are walked; anything else is returned as it is."""
    if isinstance(value, str):  # a choice (a str subclass) never holds a CR: kept as it is
        return cast(T, value.replace("\r\n", "\n").replace("\r", "\n")) if "\r" in value else value
    if isinstance(value, list):
        return cast(T, [with_lf(item) for item in value])
    if isinstance(value, dict):
        return cast(T, {key: with_lf(item) for key, item in value.items()})
    return value


# The fields both surfaces read a name from (a customer's, an agent's, a business's, a team's,
# a site's, a saved reply's title): lib/forms.Form and the API's Input refuse in them the
# invisible characters that override text direction (LRE..RLO, LRI..PDI), with which
# "Ana\u202egnp.exe" is shown as another name in every list, mail and notification.
NAME_FIELDS = frozenset({"name", "preferred_name", "display_name", "title", "organization"})
_DIRECTION_OVERRIDE = re.compile("[\u202a-\u202e\u2066-\u2069]")


def name_problem(value: Any) -> str | None:
    """Why `value`, given as a name, is refused, or None."""
    found = _DIRECTION_OVERRIDE.search(value) if isinstance(value, str) else None
    if found is None:
        return None
    code = f"U+{ord(found.group()):04X}"
    return (
        f"must not contain {code}, an invisible character that changes the direction text reads in"
    )
