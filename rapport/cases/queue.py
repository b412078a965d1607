"""The orders a list of cases can be read in, urgent first in each, and the keyset position of
a row in them (`<value>_<value>_<id>`), so a list pages without OFFSET and without a COUNT.

An urgent case that is still active never sinks: every order reads those first (`pinned`),
then by its own keys, then by id to break ties.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import models
from django.db.models import Case as CaseWhen
from django.db.models import (
    DateTimeField,
    F,
    IntegerField,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Least

from rapport.cases.models import (
    ACTIVE_STATUSES,
    PINNED,
    PRIORITY_RANK,
    Case,
    Direction,
    Message,
    Priority,
)
from rapport.lib.storable import MAX_INT

# Before any message: a case we never answered has waited since the customer's first one.
_BEFORE_ANY = datetime(1900, 1, 1, tzinfo=UTC)
_NULL = "-"
# A row's values of its order's keys (`position_of`, read back by `parse_position`).
Position = tuple[Any, ...]


# The inbox's views: whose cases a list holds (and "due today" / "recently updated").
INBOX_VIEWS = [
    ("mine", "Mine"),
    ("team", "My team"),
    ("due", "Due today"),
    ("recent", "Recently updated"),
]


class Sort(models.TextChoices):
    UPDATED = "updated", "Recently updated"
    PRIORITY = "priority", "Priority"
    DUE = "due", "Due soonest"
    WAITING = "waiting", "Waiting longest"


def _written(value: str) -> RawSQL:
    """A constant of ours (a choice's value) written into the SQL rather than bound."""
    if "'" in value:
        raise ValueError(value)
    return RawSQL(f"'{value}'", ())  # noqa: S611 -- a choice's value, never input


# PINNED as a filter the database reads from `case_pinned`: SQLite uses a partial index only
# when the query's own text implies the index's condition, and a bound value (`priority = ?`)
# does not, so it walked each team's or customer's active cases instead (100k-case desk: an
# agent's urgent cases in 10-13 ms, from the index in 0.2-0.5 ms).
PINNED_INDEXED = Q(
    priority=_written(Priority.URGENT), status__in=[_written(s) for s in ACTIVE_STATUSES]
)
# The active cases, written so for the same reason: `case_active` is a partial index on these
# statuses, and with them bound SQLite scanned the whole table instead (insights at 1M cases:
# the supervisor page's count of outbound work took 0.7 s of CPU, from the index a few ms).
ACTIVE_INDEXED = Q(status__in=[_written(s) for s in ACTIVE_STATUSES])


@dataclass(frozen=True, slots=True)
class Key:
    name: str
    descending: bool = False
    is_time: bool = False
    nullable: bool = False


_PINNED = Key("pinned")
KEYS: dict[str, tuple[Key, ...]] = {
    Sort.UPDATED: (_PINNED, Key("updated_at", descending=True, is_time=True), Key("pk", True)),
    Sort.PRIORITY: (
        _PINNED,
        Key("priority_rank"),
        Key("updated_at", descending=True, is_time=True),
        Key("pk", True),
    ),
    Sort.DUE: (_PINNED, Key("due_at", is_time=True, nullable=True), Key("pk")),
    Sort.WAITING: (_PINNED, Key("waiting_since", is_time=True, nullable=True), Key("pk")),
}


def due_at() -> CaseWhen:
    """When the case needs its next answer: the first-response deadline while nobody has
    answered yet (if it comes sooner), else the next-response deadline."""
    first, after = F("first_response_due_at"), F("next_response_due_at")
    return CaseWhen(
        When(
            first_response_at__isnull=True,
            first_response_due_at__isnull=False,
            then=Least(first, Coalesce(after, first)),
        ),
        default=after,
        output_field=DateTimeField(),
    )


def _annotations(sort: str) -> dict[str, Any]:
    found: dict[str, Any] = {
        "pinned": CaseWhen(
            When(PINNED, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    }
    if sort == Sort.PRIORITY:
        found["priority_rank"] = CaseWhen(
            *(When(priority=p, then=Value(rank)) for p, rank in PRIORITY_RANK.items()),
            default=Value(len(PRIORITY_RANK)),
            output_field=IntegerField(),
        )
    elif sort == Sort.DUE:
        found["due_at"] = due_at()
    elif sort == Sort.WAITING:
        # The customer's first message since our last reply (none since: nobody is waiting).
        replies = Message.objects.filter(case=OuterRef("pk"), direction=Direction.OUTBOUND)
        found["last_reply_at"] = Coalesce(
            Subquery(replies.order_by("-created_at").values("created_at")[:1]),
            Value(_BEFORE_ANY),
            output_field=DateTimeField(),
        )
        waiting = Message.objects.filter(
            case=OuterRef("pk"),
            direction=Direction.INBOUND,
            created_at__gt=OuterRef("last_reply_at"),
        )
        found["waiting_since"] = Subquery(waiting.order_by("created_at").values("created_at")[:1])
    return found


def _order(key: Key) -> OrderBy:
    field = F(key.name)
    if key.descending:
        return field.desc(nulls_last=True) if key.nullable else field.desc()
    return field.asc(nulls_last=True) if key.nullable else field.asc()


def in_order(cases: QuerySet[Case], sort: str) -> QuerySet[Case]:
    """`cases` annotated with what `sort` reads and ordered by it."""
    return cases.annotate(**_annotations(sort)).order_by(*(_order(k) for k in KEYS[sort]))


def after(sort: str, position: Sequence[Any], *, keys: Sequence[Key] | None = None) -> Q:
    """The rows after `position` (a row's values of the sort's keys) in that order; nulls last."""
    keys = KEYS[sort] if keys is None else keys
    key, value = keys[0], position[0]
    if value is None:
        beyond = Q(pk__in=[])  # nothing sorts after a null: nulls come last
        same = Q(**{f"{key.name}__isnull": True})
    else:
        beyond = Q(**{f"{key.name}__{'lt' if key.descending else 'gt'}": value})
        if key.nullable:
            beyond |= Q(**{f"{key.name}__isnull": True})
        same = Q(**{key.name: value})
    if len(keys) == 1:
        return beyond
    return beyond | (same & after(sort, position[1:], keys=keys[1:]))


def position_of(case: Case, sort: str) -> str:
    """The row's place in the order, as the `after` parameter of the next page."""
    values = []
    for key in KEYS[sort]:
        value: Any = _pinned(case) if key.name == "pinned" else getattr(case, key.name, None)
        values.append(_NULL if value is None else value.isoformat() if key.is_time else str(value))
    return "_".join(values)


def _pinned(case: Case) -> int:
    return 0 if case.priority == Priority.URGENT and case.status in ACTIVE_STATUSES else 1


def parse_position(sort: str, raw: str) -> Position | None:
    """`position_of`'s text back to values; None for anything else (the first page)."""
    keys = KEYS[sort]
    parts = raw.split("_")
    if len(parts) != len(keys):
        return None
    values: list[Any] = []
    try:
        for key, part in zip(keys, parts, strict=True):
            if part == _NULL and key.nullable:
                values.append(None)
            elif key.is_time:
                at = datetime.fromisoformat(part)
                if at.tzinfo is None:
                    return None
                values.append(at)
            elif part.lstrip("-").isdigit() and abs(int(part)) <= MAX_INT:
                values.append(int(part))
            else:
                return None
    except ValueError:
        return None
    return tuple(values)
