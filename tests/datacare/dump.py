"""Everything the database holds, as bytes to search: what an erasure must leave no trace in."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from django.db import connection

from rapport.datacare.backup import pg_tool


def database_bytes() -> bytes:
    """SQLite: the file and its WAL byte for byte (free pages too) plus a logical dump;
    PostgreSQL: a plain pg_dump of the test database."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        path = Path(str(connection.settings_dict["NAME"]))
        wal = path.with_name(path.name + "-wal")
        # Read by another process: closing a descriptor of the database file in this one would
        # drop every POSIX lock this process's SQLite connections hold on it (sqlite.org's "how
        # to corrupt", 2.2), and the worker processes of later tests then corrupt the file.
        parts = [_read_elsewhere(path)]
        if wal.exists():
            parts.append(_read_elsewhere(wal))
        connection.ensure_connection()
        parts.append("\n".join(connection.connection.iterdump()).encode())
        return b"\n".join(parts)
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    command = [str(pg_tool("pg_dump")), "--format=plain", "--dbname", str(db["NAME"])]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command += [flag, str(db[key])]
    return subprocess.run(command, env=env, capture_output=True, check=True).stdout  # noqa: S603


def _read_elsewhere(path: Path) -> bytes:
    return subprocess.run(["/bin/cat", str(path)], capture_output=True, check=True).stdout  # noqa: S603


def files_bytes(root: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file())
