"""Writing many rows with as little work per value as the database allows.

Django's `bulk_update` builds a `CASE WHEN pk = … THEN …` expression for every row and field,
which costs about 50 µs a value to build and compile: more than the rest of writing a mail. An
`UPDATE … WHERE pk = %s` run with `executemany` sends the same values, prepared by each field
as `save()` would prepare them, for a fraction of that, on SQLite and PostgreSQL alike.

`bulk_create` likewise wraps every value of every row in its compiler's checks for
expressions before writing it; `insert_each` prepares each value as `bulk_create` does (the
field's `pre_save` and `get_db_prep_save`, related objects' keys taken as `bulk_create` takes
them) and writes the rows with multi-row `INSERT … RETURNING` statements: the same rows, in
about half the time. It is for plain rows (no expressions as values); anything else should use
`bulk_create`.

Only documented API: the model's `_meta`, each field's `column`, `attname`, `pre_save` and
`get_db_prep_save`, `Model._state`, and a cursor. Names are quoted as SQL quotes them (double
quotes, on SQLite and PostgreSQL alike).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


def update_each(
    model: type[Model],
    objects: Sequence[Model],
    fields: Sequence[str],
    *,
    where: str = "",
    params: Sequence[Any] = (),
) -> int:
    """Write `fields` of each object (by primary key); `where` is an extra SQL condition on
    each row with its `params` (a compare-and-set). Returns how many rows were changed."""
    if not objects:
        return 0
    meta = model._meta
    columns = [column(model, name) for name in fields]
    connection = connections[router.db_for_write(model)]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    condition = f" AND ({where})" if where else ""
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608 - names, not values
        f"WHERE {quote(column(model, 'pk').column)} = %s{condition}"
    )
    preparers = [_preparer(field, connection, inserting=False) for field in columns]
    rows = [[prepare(obj) for prepare in preparers] + [obj.pk, *params] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        return int(cursor.rowcount)


def insert_each(model: type[M], objects: Sequence[M]) -> list[M]:
    """Insert new objects as `bulk_create(objects)` would, setting their primary keys; returns
    them. The values must be plain values, not expressions."""
    objects = list(objects)
    if not objects:
        return objects
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 35):  # pragma: no cover
        return list(model._default_manager.bulk_create(objects))  # no RETURNING before 3.35
    pk = column(model, "pk")
    if any(obj.pk is not None for obj in objects):  # pragma: no cover - no caller gives keys
        return list(model._default_manager.bulk_create(objects))
    fields = [f for f in meta.concrete_fields if f is not pk]
    columns = ", ".join(quote(field.column) for field in fields)
    # As bulk_create cuts them: SQLite takes 999 values a statement, PostgreSQL 65,535.
    size = max(1, 999 // len(fields)) if connection.vendor == "sqlite" else 65_535 // len(fields)
    preparers = [_preparer(field, connection, inserting=True) for field in fields]
    relations = [f for f in fields if f.many_to_one]
    for obj in objects:
        for relation in relations:
            _take_key(obj, relation)
    with connection.cursor() as cursor:
        for first in range(0, len(objects), size):
            chunk = objects[first : first + size]
            row = "(" + ", ".join(["%s"] * len(fields)) + ")"
            sql = (
                f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608 - names only
                f"VALUES {', '.join([row] * len(chunk))} RETURNING {quote(pk.column)}"
            )
            params = [prepare(obj) for obj in chunk for prepare in preparers]
            cursor.execute(sql, params)
            for obj, (key,) in zip(chunk, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, key)
                obj._state.adding = False  # documented: Model._state
                obj._state.db = connection.alias
    return objects


def _take_key(obj: Model, relation: Field[Any, Any]) -> None:
    """A related object saved after it was assigned gives its key now, and an unsaved one is
    refused, as `bulk_create` does. Reading the relation of a row without a key runs no query."""
    if getattr(obj, relation.attname) is not None:
        return
    try:
        related = getattr(obj, relation.name)
    except ObjectDoesNotExist:  # a required relation left empty: the database refuses the row
        return
    if related is None:
        return
    if related.pk is None:
        raise ValueError(
            f"insert_each() prohibited to prevent data loss due to unsaved related object "
            f"'{relation.name}'."
        )
    setattr(obj, relation.attname, related.pk)


def quote(name: str) -> str:
    """A table or column name as SQL quotes it."""
    return '"' + name.replace('"', '""') + '"'


# Fields whose value of this exact type is written as it is: each field's own preparation
# (`get_db_prep_save`) would give the same value back, only slower. Anything else (dates,
# JSON, bytes, another type of value) is prepared by the field.
_PASSED_AS_IS: dict[type[Field[Any, Any]], type] = {
    models.CharField: str,
    models.TextField: str,
    models.EmailField: str,
    models.SlugField: str,
    models.IntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.SmallIntegerField: int,
    models.BigIntegerField: int,
    models.BooleanField: bool,
}
_INTEGER_KEYS = (models.AutoField, models.BigAutoField, models.SmallAutoField)


def _preparer(
    field: Field[Any, Any], connection: BaseDatabaseWrapper, *, inserting: bool
) -> Callable[[Model], Any]:
    """How an object's value of `field` is prepared for the database: for an INSERT as
    `bulk_create` prepares it (the field's `pre_save`, then `get_db_prep_save`), for an
    UPDATE as it stands (`get_db_prep_save`)."""
    kind = _PASSED_AS_IS.get(type(field))
    if isinstance(field, models.ForeignKey) and type(field.target_field) in _INTEGER_KEYS:
        kind = int
    attname = field.attname
    own_pre_save = inserting and type(field).pre_save is not Field.pre_save  # auto_now …
    prep = field.get_db_prep_save

    def prepare(obj: Model) -> Any:
        value = field.pre_save(obj, True) if own_pre_save else getattr(obj, attname)
        if kind is not None and (
            type(value) is kind or (kind is str and isinstance(value, str)) or value is None
        ):
            return value
        return prep(value, connection)

    return prepare


def column(model: type[Model], name: str) -> Field[Any, Any]:
    """The field of `model` named `name` ("pk" for the primary key) that is a column."""
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise ValueError(f"{model.__name__}.{name} is not a column.")
    return field
