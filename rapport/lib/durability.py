"""How far a commit goes before it returns.

Rapport's SQLite connections sync the write-ahead log at every commit (`synchronous=FULL`, set
in rapport/settings.py), so whatever the desk has answered "stored" or "sent" survives a power
cut. Work that is simply done again if its commits are lost may skip that wait:
`unsynced_commits()` relaxes it to `synchronous=NORMAL` for a block. Mail processing uses it
(a processed mail whose commit is lost is still `received` and is processed again): a batch of
100 mails then costs one sync (its store) instead of one for every wave. In WAL mode the next
synced commit syncs every frame before it, so nothing is reordered. PostgreSQL is left as it
is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def unsynced_commits() -> Iterator[None]:
    """Commits in this block (on SQLite, outside any transaction) are not synced one by one."""
    relax = connection.vendor == "sqlite" and not connection.in_atomic_block
    if relax:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")
    try:
        yield
    finally:
        if relax:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=FULL")
