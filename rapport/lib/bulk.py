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
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

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
    quote = connection.ops.quote_name
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
    if not connection.features.can_return_rows_from_bulk_insert:  # pragma: no cover - old SQLite
        return list(model._default_manager.bulk_create(objects))
    pk = column(model, "pk")
    for obj in objects:
        if obj.pk is None and pk.has_default():
            obj.pk = pk.get_default()  # a default key (a UUID), as bulk_create gives it
    keyed = sum(obj.pk is not None for obj in objects)
    if keyed not in (0, len(objects)):  # pragma: no cover - no caller mixes them
        return list(model._default_manager.bulk_create(objects))
    fields = [f for f in meta.concrete_fields if f is not pk or keyed]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    size = max(1, connection.ops.bulk_batch_size(fields, objects))
    preparers = [_preparer(field, connection, inserting=True) for field in fields]
    for obj in objects:
        # Keys of related objects saved after being assigned, and the refusal of unsaved
        # ones: what bulk_create does first (Model API, not in the type stubs).
        obj._prepare_related_fields_for_save(operation_name="bulk_create")  # type: ignore[attr-defined]
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
                obj._state.adding = False
                obj._state.db = connection.alias
    return objects


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
        if moment and type(value) is datetime and value.tzinfo is not None:
            # What the field's preparation comes to for an aware datetime.
            return adapt_moment(value)
        return prep(value, connection)

    moment = type(field) is models.DateTimeField
    adapt_moment = connection.ops.adapt_datetimefield_value
    return prepare


def column(model: type[Model], name: str) -> Field[Any, Any]:
    """The field of `model` named `name` ("pk" for the primary key) that is a column."""
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise ValueError(f"{model.__name__}.{name} is not a column.")
    return field
