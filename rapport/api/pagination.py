"""Keyset pagination: an opaque cursor holds the sort key of the last row, never an OFFSET.

No COUNT(*) and no deep OFFSET scans, so the thousandth page of a million cases costs what the
first does (the sort keys are indexed).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet

from rapport.cases.models import Case
from rapport.cases.queue import after, in_order, parse_position, position_of
from rapport.lib.errors import ActionError

M = TypeVar("M", bound=models.Model)

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Keyset:
    """A total order over rows: a sort field plus the primary key as tie-breaker."""

    field: str
    descending: bool

    def order_by(self) -> tuple[str, str]:
        sign = "-" if self.descending else ""
        return f"{sign}{self.field}", f"{sign}pk"

    def after(self, value: Any, pk: int) -> Q:
        op = "lt" if self.descending else "gt"
        return Q(**{f"{self.field}__{op}": value}) | Q(**{self.field: value, f"pk__{op}": pk})


def encode_cursor(*values: Any) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise invalid_cursor() from exc
    if not isinstance(values, list):
        raise invalid_cursor()
    return values


def invalid_cursor() -> ActionError:
    return ActionError(
        "That cursor is not valid; use the 'next' value of the previous page as it is.",
        field="cursor",
    )


def keyset_page(
    rows: QuerySet[M], *, keyset: Keyset, limit: int, cursor: str | None
) -> tuple[list[M], str | None]:
    """One page of `rows` in keyset order and the cursor of the next page (None at the end)."""
    if cursor:
        values = decode_cursor(cursor)
        if len(values) != 2:
            raise invalid_cursor()
        model_field = rows.model._meta.get_field(keyset.field)
        assert isinstance(model_field, models.Field)  # noqa: S101 - keysets name concrete fields
        try:
            value = model_field.to_python(values[0])
            pk = int(values[1])
        except (ValidationError, TypeError, ValueError) as exc:
            raise invalid_cursor() from exc
        if value is None:
            raise invalid_cursor()
        rows = rows.filter(keyset.after(value, pk))
    found = list(rows.order_by(*keyset.order_by())[: limit + 1])
    if len(found) <= limit:
        return found, None
    last = found[limit - 1]
    return found[:limit], encode_cursor(getattr(last, keyset.field), last.pk)


def sorted_page(
    rows: QuerySet[Case], *, sort: str, limit: int, cursor: str | None
) -> tuple[list[Case], str | None]:
    """One page of cases in one of the inbox's orders (`rapport/cases/queue.py`)."""
    ordered = in_order(rows, sort)
    if cursor:
        values = decode_cursor(cursor)
        raw = values[0] if len(values) == 1 else None
        position = parse_position(sort, raw) if isinstance(raw, str) else None
        if position is None:
            raise invalid_cursor()
        ordered = ordered.filter(after(sort, position))
    found = list(ordered[: limit + 1])
    if len(found) <= limit:
        return found, None
    return found[:limit], encode_cursor(position_of(found[limit - 1], sort))
