"""One archive holding the whole desk: the database, the stored files and a manifest.

`rapport backup` writes `manifest.json`, the database (SQLite through its online backup API, a
consistent copy while the desk runs; PostgreSQL as a `pg_dump` custom-format archive) and every
stored file under `files/`, each with its SHA-256 in the manifest. `rapport restore` checks the
archive before it touches anything (format, vendor, checksums, migrations this code knows),
saves what the desk holds now as a pre-restore archive, and only then replaces the database
(SQLite: copied in through the backup API; PostgreSQL: one `psql` transaction) and the files.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "rapport-backup/1"
MANIFEST = "manifest.json"
DATABASE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
FILES = "files"
CHUNK = 1 << 20
# Rows counted into the manifest, so a person can see what an archive holds before restoring.
COUNTED = {
    "customers": "people_customer",
    "cases": "cases_case",
    "messages": "cases_message",
    "attachments": "cases_attachment",
    "inbound_emails": "mail_inboundemail",
}


class BackupError(Exception):
    """The archive cannot be written or restored; the message says why. Nothing was changed."""


@dataclass(frozen=True, slots=True)
class Archive:
    path: Path
    manifest: dict[str, Any]


def _rapport_version() -> str:
    try:
        return version("rapport")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout without install
        return "unknown"


def _sha256_stream(handle: IO[bytes] | None) -> str:
    digest = hashlib.sha256()
    if handle is not None:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return _sha256_stream(handle)


# --- PostgreSQL tools ---------------------------------------------------------------------------


def _server_major() -> int:
    connection.ensure_connection()
    return int(connection.pg_version) // 10000  # type: ignore[attr-defined]


def _tool_major(path: Path) -> int | None:
    try:
        out = subprocess.run(  # noqa: S603 -- a path we found, no shell
            [str(path), "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(found.group(1)) if found else None


def pg_tool(name: str) -> Path:
    """pg_dump, pg_restore or psql of the server's major version (or newer): an older client
    refuses to dump a newer server, and Debian's /usr/bin wrappers may pick any installed one."""
    major = _server_major()
    folders = []
    if settings.RAPPORT_PG_BINDIR:
        folders.append(Path(settings.RAPPORT_PG_BINDIR))
    folders.append(Path(f"/usr/lib/postgresql/{major}/bin"))
    folders += sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    folders.append(Path("/usr/local/bin"))
    on_path = shutil.which(name)
    candidates = [folder / name for folder in folders] + ([Path(on_path)] if on_path else [])
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            tool_major = _tool_major(candidate)
            if tool_major is not None and tool_major >= major:
                return candidate
    raise BackupError(
        f"{name} for PostgreSQL {major} (or newer) was not found; install the PostgreSQL "
        f"{major} client tools or set RAPPORT_PG_BINDIR to their folder."
    )


def _pg_args() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str], what: str, **kwargs: Any) -> None:
    result = subprocess.run(command, env=env, capture_output=True, check=False, **kwargs)  # noqa: S603 -- arguments, no shell
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip()[-2000:]
        raise BackupError(f"{what} failed (exit {result.returncode}): {detail}")


# --- writing ------------------------------------------------------------------------------------


def _dump_database(target: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            # The online backup API: a consistent snapshot while other processes write.
            connection.connection.backup(destination)
        finally:
            destination.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_args()
        command = [str(pg_tool("pg_dump")), "--format=custom", "--no-owner", "--file", str(target)]
        _run(command + args, env, "pg_dump")
    else:  # pragma: no cover - settings refuse other databases
        raise BackupError(f"Backing up {connection.vendor} is not supported.")


def _counts(copy: Path) -> dict[str, int]:
    """Rows in the archived database (SQLite: the copy itself; PostgreSQL: the live one, read
    just before its snapshot)."""
    counts = {}
    if connection.vendor == "sqlite":
        archived = sqlite3.connect(copy)
        try:
            for name, table in COUNTED.items():
                row = archived.execute(f"SELECT COUNT(*) FROM {table}").fetchone()  # noqa: S608 -- constant names
                counts[name] = int(row[0])
        finally:
            archived.close()
        return counts
    with connection.cursor() as cursor:
        for name, table in COUNTED.items():
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 -- constant names
            counts[name] = int(cursor.fetchone()[0])
    return counts


def _applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def _stored_files() -> Iterator[tuple[Path, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, f"{FILES}/{path.relative_to(root).as_posix()}"


def default_backup_path(now: datetime | None = None) -> Path:
    stamp = (now or timezone.now()).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.RAPPORT_BACKUP_DIR) / f"rapport-{stamp}.tar.gz"


def create_backup(output: Path | None = None) -> Archive:
    """Write the archive to `output` (default: RAPPORT_BACKUP_DIR); it appears only when whole."""
    now = timezone.now()
    output = Path(output or default_backup_path(now)).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as work:
        database = Path(work) / DATABASE[connection.vendor]
        if connection.vendor == "sqlite":
            _dump_database(database)
            counts = _counts(database)
        else:
            counts = _counts(database)
            _dump_database(database)
        checksums = {database.name: _sha256_file(database)}
        files = list(_stored_files())
        for path, member in files:
            checksums[member] = _sha256_file(path)
        manifest = {
            "format": FORMAT,
            "rapport_version": _rapport_version(),
            "vendor": connection.vendor,
            "created_at": now.isoformat(),
            "migrations": _applied_migrations(),
            "counts": {**counts, "files": len(files)},
            "checksums": checksums,
        }
        partial = Path(work) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            body = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(now.timestamp()), 0o600
            tar.addfile(info, io.BytesIO(body))
            tar.add(database, arcname=database.name, recursive=False)
            for path, member in files:
                tar.add(path, arcname=member, recursive=False)
        partial.chmod(0o600)  # every customer's words are in it
        os.replace(partial, output)
    return Archive(path=output, manifest=manifest)


# --- checking -----------------------------------------------------------------------------------


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and (
            name in (MANIFEST, *DATABASE.values())
            or (path.parts[0] == FILES and len(path.parts) > 1)
        )
    )


def read_manifest(path: Path) -> dict[str, Any]:
    """The archive's manifest, after every member was checked against its checksum."""
    try:
        with tarfile.open(path, "r:*") as tar:
            member = tar.getmember(MANIFEST)
            handle = tar.extractfile(member)
            if handle is None:
                raise BackupError(f"{path}: the manifest is not a file.")
            manifest: dict[str, Any] = json.loads(handle.read())
            if manifest.get("format") != FORMAT:
                raise BackupError(f"{path} is not a Rapport backup ({FORMAT}).")
            expected = dict(manifest.get("checksums") or {})
            for info in tar:
                if info.name == MANIFEST:
                    continue
                if not info.isfile() or not _safe_member(info.name):
                    raise BackupError(f"{path}: unexpected entry {info.name!r} in the archive.")
                want = expected.pop(info.name, None)
                if want is None:
                    raise BackupError(f"{path}: {info.name!r} is not listed in the manifest.")
                if _sha256_stream(tar.extractfile(info)) != want:
                    raise BackupError(f"{path}: {info.name} is corrupted (checksum mismatch).")
            if expected:
                raise BackupError(
                    f"{path}: missing from the archive: {', '.join(sorted(expected))}."
                )
    except BackupError:
        raise
    except (tarfile.TarError, KeyError, OSError, EOFError, ValueError) as exc:
        raise BackupError(f"{path} cannot be read as a Rapport backup: {exc}") from exc
    return manifest


def _check_restorable(manifest: dict[str, Any]) -> None:
    vendor = manifest.get("vendor")
    if vendor != connection.vendor:
        raise BackupError(
            f"This archive holds a {vendor} database; this desk runs on {connection.vendor}. "
            "Restore it on a desk with the same database."
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [
        f"{app}.{name}" for app, name in manifest.get("migrations", []) if (app, name) not in known
    ]
    if unknown:
        raise BackupError(
            "This archive was made by a newer Rapport (unknown migrations: "
            f"{', '.join(unknown[:5])}); install that version, then restore."
        )


# --- restoring ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Restored:
    manifest: dict[str, Any]
    saved_as: Path


def _restore_sqlite(database: Path) -> None:
    source = sqlite3.connect(database)
    try:
        verdict = source.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"The archived database fails SQLite's integrity check: {verdict}")
        connection.ensure_connection()
        # Copied in through the backup API: other processes see the old or the new database,
        # never half of each, and the file keeps its place (and its WAL) on disk.
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()


def _restore_postgres(dump: Path, work: Path) -> None:
    args, env = _pg_args()
    script = work / "restore.sql"
    _run(
        [
            str(pg_tool("pg_restore")),
            "--no-owner",
            "--no-privileges",
            "--file",
            str(script),
            str(dump),
        ],
        env,
        "pg_restore",
    )
    prelude = work / "prelude.sql"
    # Everything of the current desk goes in the same transaction that loads the archive: if
    # any statement fails, psql rolls back and the desk is as it was.
    prelude.write_text("DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n")
    connection.close()
    psql = [str(pg_tool("psql")), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction"]
    _run([*psql, *args, "-f", str(prelude), "-f", str(script)], env, "psql (restore)")


def _swap_files(extracted: Path) -> None:
    root = Path(settings.MEDIA_ROOT)
    root.parent.mkdir(parents=True, exist_ok=True)
    staged = root.with_name(f".{root.name}.restoring")
    aside = root.with_name(f".{root.name}.replaced")
    for leftover in (staged, aside):
        if leftover.exists():
            shutil.rmtree(leftover)
    if extracted.is_dir():
        shutil.move(str(extracted), str(staged))
    else:
        staged.mkdir()
    if root.exists():
        os.replace(root, aside)
    os.replace(staged, root)
    if aside.exists():
        shutil.rmtree(aside)  # the pre-restore archive holds them


def restore_backup(path: Path) -> Restored:
    """Replace the desk's database and files with the archive's, after saving what is there."""
    path = Path(path).resolve()
    manifest = read_manifest(path)
    _check_restorable(manifest)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%fZ")
    saved = create_backup(Path(settings.RAPPORT_BACKUP_DIR) / f"pre-restore-{stamp}.tar.gz")
    with tempfile.TemporaryDirectory(dir=saved.path.parent, prefix=".restore-") as folder:
        work = Path(folder)
        with tarfile.open(path, "r:*") as tar:
            tar.extractall(work, filter="data")  # members were checked by read_manifest
        database = work / DATABASE[connection.vendor]
        if connection.vendor == "sqlite":
            _restore_sqlite(database)
        else:
            _restore_postgres(database, work)
        _swap_files(work / FILES)
    return Restored(manifest=manifest, saved_as=saved.path)
