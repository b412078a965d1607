"""Full-text search over cases and customers: subjects, message text, call notes, customer names,
organisations and identities (email, phone typed any way, social handle).

Interface used by the workspace and the API; the backend (SQLite FTS5 / PostgreSQL) lives here.

SQLite keeps external-content FTS5 tables in step with `cases_message.text`, `cases_case.subject`,
`cases_call.notes`, `people_customer.name` and `people_organization.name` through triggers; a
message moved to another case (split, merge) needs no index change, because the index is keyed
by message id and the case is found through the message row. PostgreSQL keeps the same columns
as stored `tsvector`s in side tables keyed the same way (`cases_message_search` etc., GIN-indexed,
kept in step by triggers): the newest matches are found by walking the key's index backwards and
testing the stored vector, where an expression index made every row walked recompute
`to_tsvector` (~10-30 us a message: 300 ms for a common word).
Identities are matched by prefix on an index of their normalised value, and a fragment that looks
like an address (six digits or more of a phone number, anything with `@`, `.`, `_`, `:` or a
digit) anywhere in it, through a trigram index (FTS5 `trigram` on SQLite, `pg_trgm` on
PostgreSQL): `612 345 678` finds +34612345678, `@anna_b` finds x:anna_b. Every source is capped,
so a search costs the same at 1M cases as at 1k: the most recent matches win.
"""

# ruff: noqa: S608 -- SQL is assembled from this module's constant identifiers; values are bound.
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from rapport.cases.models import Case
from rapport.lib.identities import (
    InvalidIdentity,
    normalise_email,
    normalise_phone,
    normalise_social,
)
from rapport.people.models import Customer, Identity

# Caps on each source of matches; the newest matches are kept.
MESSAGE_MATCHES = 1000
SUBJECT_MATCHES = 500
CUSTOMER_MATCHES = 100
CUSTOMER_CASES = 500
CALL_MATCHES = 500
ORGANIZATION_MATCHES = 100
MAX_TOKENS = 8
MAX_TOKEN_LENGTH = 64
# A one- or two-letter prefix would expand to most of the vocabulary.
MIN_PREFIX_LENGTH = 3
# A fragment searched anywhere in an identity: long enough to be selective (trigrams need 3).
MIN_PHONE_DIGITS = 6
MIN_FRAGMENT_LENGTH = 4

_TOKEN_RE = re.compile(r"[^\W_]+")
_PHONE_RE = re.compile(r"^(?=.*\d)[\d\s()./+-]{4,}$")

# (FTS table, content table, content column) kept in step by triggers on SQLite.
SQLITE_FTS: tuple[tuple[str, str, str], ...] = (
    ("cases_message_fts", "cases_message", "text"),
    ("cases_case_fts", "cases_case", "subject"),
    ("people_customer_fts", "people_customer", "name"),
    ("cases_call_fts", "cases_call", "notes"),
    ("people_organization_fts", "people_organization", "name"),
    ("people_identity_fts", "people_identity", "value"),
)
# Words are tokens for most; identities are matched as fragments anywhere in the value.
SQLITE_TOKENIZERS = {"people_identity_fts": "trigram"}
SQLITE_DEFAULT_TOKENIZER = "unicode61 remove_diacritics 2"
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
    ("cases_call_search", "cases_call", "notes"),
    ("people_organization_search", "people_organization", "name"),
)
IDENTITY_VALUE_INDEX = "people_identity_value_search"
IDENTITY_TRIGRAM_INDEX = "people_identity_value_trigram"


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


@dataclass(frozen=True, slots=True)
class Terms:
    """What a query asks for, worked out once: words for the text indexes, and for identities
    prefixes of their normalised value and fragments found anywhere in it."""

    words: list[str]
    prefixes: list[str]
    fragments: list[str]

    def __bool__(self) -> bool:
        return bool(self.words or self.prefixes or self.fragments)


def _social(raw: str) -> str | None:
    try:
        return normalise_social(raw)
    except InvalidIdentity:
        return None


def _complete_email(raw: str) -> bool:
    """A whole address (name@example.com): found by its normalised value, no fragment needed."""
    if "@" not in raw:
        return False
    try:
        return normalise_email(raw) == raw
    except InvalidIdentity:
        return False


def parse_query(query: str) -> Terms:
    raw = query.strip().lower()
    if not raw or len(raw) > 320:
        return Terms(words=tokens(query), prefixes=[], fragments=[])
    prefixes = {raw}
    fragments: set[str] = set()
    if _PHONE_RE.match(raw):
        # Typed any way: "+1 647 555 0142", "(647) 555-0142", "612 345 678" (a national number
        # of another country), "0034 612...", "020 7946 0958": its digits, without the leading
        # international or trunk zeros, are a run of the stored E.164 number. A whole number
        # with its country code is found by its normalised value alone (fragments cost more).
        digits = re.sub(r"\D", "", raw)
        prefixes.add(f"+{digits}")
        international = raw.lstrip("(").startswith(("+", "00"))
        try:
            prefixes.add(normalise_phone(raw, default_region=settings.RAPPORT_DEFAULT_PHONE_REGION))
        except InvalidIdentity:
            international = False
        if not international:
            runs = (digits, digits.lstrip("0"))
            fragments |= {run for run in runs if len(run) >= MIN_PHONE_DIGITS}
    elif (
        len(raw) >= MIN_FRAGMENT_LENGTH
        and not raw.isalpha()
        and not any(c.isspace() for c in raw)
        and not _complete_email(raw)
    ):
        # An address or handle, or part of one: "@anna_b" (x:anna_b), "lopez@exa", "annab99".
        handle = _social(raw)
        if handle is not None:
            prefixes.add(handle)
        fragment = handle or raw
        if len(fragment) >= MIN_FRAGMENT_LENGTH:
            fragments.add(fragment)
    return Terms(words=tokens(query), prefixes=sorted(prefixes), fragments=sorted(fragments))


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# source -> (SQLite FTS table, PostgreSQL side table, cap on the newest matching rows)
_WORD_SOURCES: dict[str, tuple[str, str, int]] = {
    "message": ("cases_message_fts", "cases_message_search", MESSAGE_MATCHES),
    "subject": ("cases_case_fts", "cases_case_search", SUBJECT_MATCHES),
    "customer": ("people_customer_fts", "people_customer_search", CUSTOMER_MATCHES),
    "call": ("cases_call_fts", "cases_call_search", CALL_MATCHES),
    "organization": ("people_organization_fts", "people_organization_search", ORGANIZATION_MATCHES),
}


def newest_word_matches(source: str, words: list[str], vendor: str) -> tuple[str, list[Any]]:
    """SQL for the ids of the newest rows of `source` holding every word (the last as a prefix)."""
    fts, side, cap = _WORD_SOURCES[source]
    if vendor == "sqlite":
        return (
            f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s ORDER BY rowid DESC LIMIT {cap}",
            [fts5_expression(words)],
        )
    return (
        f"SELECT row_id FROM {side} WHERE document @@ to_tsquery('simple'::regconfig, %s)"
        f" ORDER BY row_id DESC LIMIT {cap}",
        [tsquery_expression(words)],
    )


def _identity_arms(terms: Terms, vendor: str) -> list[tuple[str, list[Any]]]:
    """One SELECT of customer ids for each identity prefix and fragment."""
    arms: list[tuple[str, list[Any]]] = []
    for prefix in terms.prefixes:
        if vendor == "sqlite":
            # A range on the value index; LIKE would not use it on SQLite.
            arms.append((
                "SELECT * FROM (SELECT customer_id FROM people_identity"
                f" WHERE value >= %s AND value < %s LIMIT {CUSTOMER_MATCHES})",
                [prefix, prefix + "\U0010ffff"],
            ))  # fmt: skip
        else:
            arms.append((
                "(SELECT customer_id FROM people_identity"
                f" WHERE value LIKE %s LIMIT {CUSTOMER_MATCHES})",
                [_like(prefix) + "%"],
            ))  # fmt: skip
    for fragment in terms.fragments:
        if vendor == "sqlite":
            # The trigram index: a quoted string matches as a run of characters anywhere.
            arms.append((
                "SELECT customer_id FROM people_identity WHERE id IN (SELECT rowid"
                " FROM people_identity_fts WHERE people_identity_fts MATCH %s"
                f" ORDER BY rowid DESC LIMIT {CUSTOMER_MATCHES})",
                ['"' + fragment.replace('"', '""') + '"'],
            ))  # fmt: skip
        else:
            # ILIKE: an external id keeps its case (the trigram index serves both).
            arms.append((
                "(SELECT customer_id FROM people_identity"
                f" WHERE value ILIKE %s LIMIT {CUSTOMER_MATCHES})",
                ["%" + _like(fragment) + "%"],
            ))  # fmt: skip
    return arms


def _union(arms: list[tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    return " UNION ".join(sql for sql, _ in arms), [p for _, params in arms for p in params]


def _matching_customer_ids_sql(terms: Terms, vendor: str) -> tuple[str, list[Any]] | None:
    """Customers by name, organisation or identity, each source capped."""
    arms = _identity_arms(terms, vendor)
    if terms.words:
        names, name_params = newest_word_matches("customer", terms.words, vendor)
        orgs, org_params = newest_word_matches("organization", terms.words, vendor)
        arms.insert(0, (f"SELECT * FROM ({names}) AS names", name_params))
        arms.insert(1, (
            f"SELECT * FROM (SELECT id FROM people_customer WHERE organization_id IN ({orgs})"
            f" ORDER BY id DESC LIMIT {CUSTOMER_MATCHES}) AS members",
            org_params,
        ))  # fmt: skip
    return _union(arms) if arms else None


def _matching_case_ids_sql(query: str, vendor: str) -> tuple[str, list[Any]] | None:
    """One SQL statement returning the ids of matching cases, each source capped."""
    terms = parse_query(query)
    arms: list[tuple[str, list[Any]]] = []
    if terms.words:
        messages, message_params = newest_word_matches("message", terms.words, vendor)
        subjects, subject_params = newest_word_matches("subject", terms.words, vendor)
        calls, call_params = newest_word_matches("call", terms.words, vendor)
        arms += [
            (f"SELECT case_id FROM cases_message WHERE id IN ({messages})", message_params),
            (f"SELECT * FROM ({subjects}) AS subjects", subject_params),
            (f"SELECT case_id FROM cases_call WHERE id IN ({calls})", call_params),
        ]
    customers = _matching_customer_ids_sql(terms, vendor)
    if customers is not None:
        customer_sql, customer_params = customers
        arms.append((
            f"SELECT * FROM (SELECT id FROM cases_case WHERE customer_id IN ({customer_sql})"
            f" ORDER BY id DESC LIMIT {CUSTOMER_CASES}) AS customer_cases",
            customer_params,
        ))  # fmt: skip
    return _union(arms) if arms else None


def search_cases(cases: QuerySet[Case], query: str) -> QuerySet[Case]:
    """Narrow `cases` (already permission-filtered) to those matching `query`.

    Words are matched in a case's subject, any of its messages or call notes, its customer's name
    or organisation (all words in one of them, the last word as a prefix); the whole query is
    also matched against a customer's email, phone or handle (see `parse_query`). The result
    stays a lazy queryset to filter and order.
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


def search_customers(customers: QuerySet[Customer], query: str) -> QuerySet[Customer]:
    """Narrow `customers` to those whose name or preferred name holds the query, whose
    organisation's name does, or who hold a matching identity (any part of an address; a phone
    typed any way; a handle with or without its network)."""
    terms = query.strip()
    if not terms:
        return customers
    matches = (
        Q(name__icontains=terms)
        | Q(preferred_name__icontains=terms)
        | Q(organization__name__icontains=terms)
        | Q(pk__in=Identity.objects.filter(value__icontains=terms.lower()).values("customer_id"))
    )
    built = _identity_arms(parse_query(query), connections[customers.db].vendor)
    if built:
        sql, params = _union(built)
        matches |= Q(pk__in=RawSQL(sql, params))  # noqa: S611 -- user input is only a bound parameter
    return customers.filter(matches)


# --- installing the index (used by the search migration and after every migrate) ---------------


def _sqlite_statements(fts: str, table: str, column: str) -> list[str]:
    tokenizer = SQLITE_TOKENIZERS.get(fts, SQLITE_DEFAULT_TOKENIZER)
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5("
        f"{column}, content='{table}', content_rowid='id', tokenize='{tokenizer}')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN"
        f" INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN"
        f" INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column});"
        " END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {column} ON {table} BEGIN"
        f" INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column});"
        f" INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
    ]


def _postgres_statements(side: str, table: str, column: str, *, new: bool) -> list[str]:
    # No foreign key: a content row deleted takes its document with it through the trigger.
    # Existing rows are read only into a new side table: an installed one is kept by its trigger
    # (reading millions of messages again would make every later install take minutes).
    fill = (
        [
            f"INSERT INTO {side} (row_id, document)"
            f" SELECT id, to_tsvector('simple'::regconfig, {column}) FROM {table}"
            " ON CONFLICT (row_id) DO NOTHING"
        ]
        if new
        else []
    )
    return [
        f"CREATE TABLE IF NOT EXISTS {side}"
        " (row_id bigint PRIMARY KEY, document tsvector NOT NULL)",
        *fill,
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
                cursor.execute("SELECT to_regclass(%s)", [side])
                new = cursor.fetchone()[0] is None
                for statement in _postgres_statements(side, table, column, new=new):
                    cursor.execute(statement)
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {IDENTITY_VALUE_INDEX}"
                " ON people_identity (value varchar_pattern_ops)"
            )
            # Fragments anywhere in an address ("612345678" in +34612345678). pg_trgm ships with
            # PostgreSQL and is a trusted extension: the database's owner may create it.
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {IDENTITY_TRIGRAM_INDEX}"
                " ON people_identity USING gin (value gin_trgm_ops)"
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
            cursor.execute(f"DROP INDEX IF EXISTS {IDENTITY_TRIGRAM_INDEX}")
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
