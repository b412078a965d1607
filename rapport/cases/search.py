"""Full-text search over case subjects, message text and customers.

Interface used by the workspace and the API; the backend (SQLite FTS5 / PostgreSQL) lives here.

SQLite keeps external-content FTS5 tables in step with `cases_message.text`, `cases_case.subject`
and `people_customer.name` through triggers; a message moved to another case (split, merge) needs
no index change, because the index is keyed by message id and the case is found through the
message row. PostgreSQL keeps the same columns as stored `tsvector`s in side tables keyed the same
way (`cases_message_search` etc., GIN-indexed, kept in step by triggers): the newest matches are
found by walking the key's index backwards and testing the stored vector, where an expression
index made every row walked recompute `to_tsvector` (~10-30 us a message: 300 ms for a common
word).
Identities are matched by prefix on an index of their normalised value. Every source is capped,
so a search costs the same at 1M cases as at 1k: the most recent matches win.
"""

# ruff: noqa: S608 -- SQL is assembled from this module's constant identifiers; values are bound.
from __future__ import annotations

import contextlib
import re
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from rapport.cases.models import Case
from rapport.lib.identities import InvalidIdentity, normalise_phone

# Caps on each source of matches; the newest matches are kept.
MESSAGE_MATCHES = 1000
SUBJECT_MATCHES = 500
CUSTOMER_MATCHES = 100
CUSTOMER_CASES = 500
MAX_TOKENS = 8
MAX_TOKEN_LENGTH = 64
# A one- or two-letter prefix would expand to most of the vocabulary.
MIN_PREFIX_LENGTH = 3

_TOKEN_RE = re.compile(r"[^\W_]+")
_PHONE_RE = re.compile(r"^\+?[\d\s().-]{4,}$")

# (FTS table, content table, content column) kept in step by triggers on SQLite.
SQLITE_FTS: tuple[tuple[str, str, str], ...] = (
    ("cases_message_fts", "cases_message", "text"),
    ("cases_case_fts", "cases_case", "subject"),
    ("people_customer_fts", "people_customer", "name"),
)
# The GIN expression indexes PostgreSQL used before the side tables (dropped when installing).
POSTGRES_GIN: tuple[tuple[str, str, str], ...] = (
    ("cases_message_text_fts", "cases_message", "text"),
    ("cases_case_subject_fts", "cases_case", "subject"),
    ("people_customer_name_fts", "people_customer", "name"),
)
# (side table, content table, content column) for PostgreSQL: (row_id, document tsvector).
POSTGRES_DOCUMENTS: tuple[tuple[str, str, str], ...] = (
    ("cases_message_search", "cases_message", "text"),
    ("cases_case_search", "cases_case", "subject"),
    ("people_customer_search", "people_customer", "name"),
)
IDENTITY_VALUE_INDEX = "people_identity_value_search"


def tokens(query: str) -> list[str]:
    """The words of a query, lower-cased; punctuation and FTS operators are just separators."""
    words = [word.lower()[:MAX_TOKEN_LENGTH] for word in _TOKEN_RE.findall(query)]
    return words[:MAX_TOKENS]


def fts5_expression(words: list[str]) -> str:
    """All words must match; the last one as a prefix. Every word is quoted, so never syntax."""
    parts = [f'"{word}"' for word in words]  # tokens hold letters and digits only
    if words and len(words[-1]) >= MIN_PREFIX_LENGTH:
        parts[-1] += "*"
    return " AND ".join(parts)


def tsquery_expression(words: list[str]) -> str:
    """The same expression for PostgreSQL's to_tsquery: quoted lexemes, prefix on the last."""
    parts = [f"'{word}'" for word in words]
    if words and len(words[-1]) >= MIN_PREFIX_LENGTH:
        parts[-1] += ":*"
    return " & ".join(parts)


def _identity_prefixes(query: str) -> list[str]:
    raw = query.strip().lower()
    if not raw or len(raw) > 320:
        return []
    prefixes = {raw}
    if _PHONE_RE.match(raw):
        digits = re.sub(r"\D", "", raw)
        prefixes.add(f"+{digits}")
        with contextlib.suppress(InvalidIdentity):
            prefixes.add(normalise_phone(raw, default_region=settings.RAPPORT_DEFAULT_PHONE_REGION))
    return sorted(prefixes)


def _like_prefix(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _matching_case_ids_sql(query: str, vendor: str) -> tuple[str, list[Any]] | None:
    """One SQL statement returning the ids of matching cases, each source capped."""
    words = tokens(query)
    prefixes = _identity_prefixes(query)
    selects: list[str] = []
    params: list[Any] = []
    customer_selects: list[str] = []
    customer_params: list[Any] = []
    if vendor == "sqlite":
        if words:
            expression = fts5_expression(words)
            selects.append(
                "SELECT * FROM (SELECT m.case_id FROM cases_message_fts f"
                " JOIN cases_message m ON m.id = f.rowid WHERE cases_message_fts MATCH %s"
                f" ORDER BY f.rowid DESC LIMIT {MESSAGE_MATCHES})"
            )
            selects.append(
                "SELECT * FROM (SELECT rowid FROM cases_case_fts WHERE cases_case_fts MATCH %s"
                f" ORDER BY rowid DESC LIMIT {SUBJECT_MATCHES})"
            )
            params += [expression, expression]
            customer_selects.append(
                "SELECT * FROM (SELECT rowid FROM people_customer_fts"
                " WHERE people_customer_fts MATCH %s"
                f" ORDER BY rowid DESC LIMIT {CUSTOMER_MATCHES})"
            )
            customer_params.append(expression)
        for prefix in prefixes:
            # A range on the value index; LIKE would not use it on SQLite.
            customer_selects.append(
                "SELECT * FROM (SELECT customer_id FROM people_identity"
                f" WHERE value >= %s AND value < %s LIMIT {CUSTOMER_MATCHES})"
            )
            customer_params += [prefix, prefix + "\U0010ffff"]
    else:
        if words:
            expression = tsquery_expression(words)
            selects.append(
                "(SELECT m.case_id FROM cases_message_search s"
                " JOIN cases_message m ON m.id = s.row_id"
                " WHERE s.document @@ to_tsquery('simple'::regconfig, %s)"
                f" ORDER BY s.row_id DESC LIMIT {MESSAGE_MATCHES})"
            )
            selects.append(
                "(SELECT row_id FROM cases_case_search"
                " WHERE document @@ to_tsquery('simple'::regconfig, %s)"
                f" ORDER BY row_id DESC LIMIT {SUBJECT_MATCHES})"
            )
            params += [expression, expression]
            customer_selects.append(
                "(SELECT row_id FROM people_customer_search"
                " WHERE document @@ to_tsquery('simple'::regconfig, %s)"
                f" ORDER BY row_id DESC LIMIT {CUSTOMER_MATCHES})"
            )
            customer_params.append(expression)
        for prefix in prefixes:
            customer_selects.append(
                "(SELECT customer_id FROM people_identity"
                f" WHERE value LIKE %s LIMIT {CUSTOMER_MATCHES})"
            )
            customer_params.append(_like_prefix(prefix))
    if customer_selects:
        selects.append(
            "SELECT * FROM (SELECT id FROM cases_case WHERE customer_id IN ("
            + " UNION ".join(customer_selects)
            + f") ORDER BY id DESC LIMIT {CUSTOMER_CASES}) AS customer_cases"
        )
        params += customer_params
    if not selects:
        return None
    return " UNION ".join(selects), params


def search_cases(cases: QuerySet[Case], query: str) -> QuerySet[Case]:
    """Narrow `cases` (already permission-filtered) to those matching `query`.

    Words are matched in a case's subject, any of its messages or its customer's name (all words
    in one of them, the last word as a prefix); the whole query is also matched as the prefix of
    a customer's email, phone or handle. The result stays a lazy queryset to filter and order.
    """
    if not query.strip():
        return cases
    built = _matching_case_ids_sql(query, connections[cases.db].vendor)
    if built is None:
        return cases.none()
    sql, params = built
    if connections[cases.db].vendor == "postgresql":
        # An array built once (an InitPlan), then one primary-key probe per match: `IN (...)`
        # let the planner hash-join the matches against a sequential scan of every case.
        pk = f"{Case._meta.db_table}.{Case._meta.pk.column}"
        matches = RawSQL(f"{pk} = ANY(ARRAY({sql}))", params, output_field=BooleanField())  # noqa: S611 -- user input is only a bound parameter
        return cases.filter(matches)
    return cases.filter(pk__in=RawSQL(sql, params))  # noqa: S611 -- user input is only a bound parameter


# --- installing the index (used by the search migration and after every migrate) ---------------


def _sqlite_statements(fts: str, table: str, column: str) -> list[str]:
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5("
        f"{column}, content='{table}', content_rowid='id',"
        " tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN"
        f" INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN"
        f" INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column});"
        " END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {column} ON {table} BEGIN"
        f" INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column});"
        f" INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
    ]


def _postgres_statements(side: str, table: str, column: str) -> list[str]:
    # No foreign key: a content row deleted takes its document with it through the trigger.
    return [
        f"CREATE TABLE IF NOT EXISTS {side}"
        " (row_id bigint PRIMARY KEY, document tsvector NOT NULL)",
        f"INSERT INTO {side} (row_id, document)"
        f" SELECT id, to_tsvector('simple'::regconfig, {column}) FROM {table}"
        " ON CONFLICT (row_id) DO NOTHING",
        f"CREATE INDEX IF NOT EXISTS {side}_document ON {side} USING gin (document)",
        f"CREATE OR REPLACE FUNCTION {side}_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" IF TG_OP = 'DELETE' THEN DELETE FROM {side} WHERE row_id = OLD.id; RETURN OLD; END IF;"
        f" INSERT INTO {side} (row_id, document)"
        f" VALUES (NEW.id, to_tsvector('simple'::regconfig, NEW.{column}))"
        " ON CONFLICT (row_id) DO UPDATE SET document = EXCLUDED.document;"
        " RETURN NEW; END $$",
        f"DROP TRIGGER IF EXISTS {side}_sync ON {table}",
        f"CREATE TRIGGER {side}_sync AFTER INSERT OR DELETE OR UPDATE OF {column} ON {table}"
        f" FOR EACH ROW EXECUTE FUNCTION {side}_sync()",
        f"ANALYZE {side}",
    ]


def _sqlite_missing_triggers(db: BaseDatabaseWrapper) -> set[str]:
    wanted = {f"{fts}_{suffix}" for fts, _, _ in SQLITE_FTS for suffix in ("ai", "ad", "au")}
    with db.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
    return wanted - present


def install_search_index(db: BaseDatabaseWrapper) -> None:
    """Create the search index and its triggers, (re)building it when any piece was missing."""
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            # A table rebuilt by a later migration loses its triggers; re-creating them is not
            # enough, rows written meanwhile must be indexed too, so that index is rebuilt.
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            tables = {row[0] for row in cursor.fetchall()}
            missing = _sqlite_missing_triggers(db)
            for fts, table, column in SQLITE_FTS:
                if fts in tables and not any(name.startswith(fts) for name in missing):
                    continue
                for statement in _sqlite_statements(fts, table, column):
                    cursor.execute(statement)
                cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {IDENTITY_VALUE_INDEX} ON people_identity (value)"
            )
        elif db.vendor == "postgresql":
            for name, _, _ in POSTGRES_GIN:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
            for side, table, column in POSTGRES_DOCUMENTS:
                for statement in _postgres_statements(side, table, column):
                    cursor.execute(statement)
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {IDENTITY_VALUE_INDEX}"
                " ON people_identity (value varchar_pattern_ops)"
            )


def uninstall_search_index(db: BaseDatabaseWrapper) -> None:
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            for fts, _, _ in SQLITE_FTS:
                for suffix in ("ai", "ad", "au"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
                cursor.execute(f"DROP TABLE IF EXISTS {fts}")
        elif db.vendor == "postgresql":
            for name, _, _ in POSTGRES_GIN:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
            for side, table, _ in POSTGRES_DOCUMENTS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {side}_sync ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {side}_sync()")
                cursor.execute(f"DROP TABLE IF EXISTS {side}")
        cursor.execute(f"DROP INDEX IF EXISTS {IDENTITY_VALUE_INDEX}")


def ensure_search_index(using: str = "default", **_: Any) -> None:
    """post_migrate hook: put back triggers that a table rebuild dropped (SQLite only)."""
    db = connections[using]
    if db.vendor != "sqlite":
        return
    recorder = MigrationRecorder(db)
    if (
        not recorder.has_table()
        or ("cases", "0002_search_index") not in recorder.applied_migrations()
    ):
        return
    if _sqlite_missing_triggers(db):
        install_search_index(db)
