"""The newest few rows of each group (a customer's last messages, their open cases by subject),
read in one statement.

The ORM can say it (`Window(RowNumber(), partition_by=…)` and a filter on the rank), but
compiles such a query in about 0.8 ms each time (6 ms under load: 18 ms for intake's three
against 1 ms written out, measured side by side), more than reading the rows, and intake reads
three of them for every wave of mail. `newest_per` writes the same statement
(`ROW_NUMBER() OVER (PARTITION BY …)`, which SQLite and PostgreSQL both have) and runs it
through `Model.objects.raw`, so every value is prepared by its field and every column read back
as the ORM reads it. tests/lib/test_ranked.py checks it against the ORM's query.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Model

from rapport.lib.bulk import column, quote

_LOOKUPS = {"exact": "= %s", "gte": ">= %s", "lte": "<= %s"}


def newest_per(
    model: type[Model],
    *,
    partition: str,
    order: Sequence[str],
    limit: int,
    columns: Sequence[str],
    where: Mapping[str, Any],
    oldest_first: bool = False,
) -> list[tuple[Any, ...]]:
    """`columns` of the first `limit` rows of each `partition` value by `order` (field names,
    "-" for descending), among the rows matching `where` (`field`, `field__in`,
    `field__isnull`, `field__gte`, `field__lte`). Rows come grouped by partition value, within
    a group in `order` (or the reverse with `oldest_first`)."""
    connection = connections[router.db_for_read(model)]
    conditions: list[str] = []
    params: list[Any] = []
    for key, value in where.items():
        name, _, lookup = key.partition("__")
        field = column(model, name)
        if lookup == "isnull":
            conditions.append(f"{quote(field.column)} IS {'' if value else 'NOT '}NULL")
        elif lookup == "in":
            values = list(value)
            if not values:
                return []
            conditions.append(f"{quote(field.column)} IN ({', '.join(['%s'] * len(values))})")
            params += [field.get_db_prep_value(v, connection, prepared=False) for v in values]
        elif (lookup or "exact") in _LOOKUPS:
            conditions.append(f"{quote(field.column)} {_LOOKUPS[lookup or 'exact']}")
            params.append(field.get_db_prep_value(value, connection, prepared=False))
        else:
            raise ValueError(f"Unsupported lookup {key!r}.")
    ranking = ", ".join(
        f"{quote(column(model, name.lstrip('-')).column)} {'DESC' if name[0] == '-' else 'ASC'}"
        for name in order
    )
    group = quote(column(model, partition).column)
    fields = [column(model, name) for name in ["pk", *columns]]
    selected = ", ".join(dict.fromkeys(quote(field.column) for field in fields))
    sql = (
        f"SELECT {selected} FROM (SELECT {selected}, {group} AS rapport_group, "  # noqa: S608
        f"ROW_NUMBER() OVER (PARTITION BY {group} ORDER BY {ranking}) AS rapport_rank "
        f"FROM {quote(model._meta.db_table)} WHERE {' AND '.join(conditions) or '1 = 1'}"
        f") ranked WHERE rapport_rank <= %s "
        f"ORDER BY rapport_group, rapport_rank {'DESC' if oldest_first else 'ASC'}"
    )
    names = [field.attname for field in fields[1:]]
    rows = model._default_manager.raw(sql, [*params, limit])  # values only as parameters
    return [tuple(getattr(row, name) for name in names) for row in rows]
