"""`rapport backup` and `rapport restore`: a real round trip on the database the suite runs on
(SQLite or PostgreSQL in CI), files included; a bad archive is refused and changes nothing."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from rapport.cases.models import Attachment, Case
from rapport.cases.search import search_cases
from rapport.datacare.backup import read_manifest
from rapport.people.actions.customers import create_customer, update_customer
from rapport.people.models import Customer
from tests.datacare.conftest import Rich

pytestmark = pytest.mark.django_db(transaction=True)


def _backup(path: Path, capsys: Any) -> dict[str, Any]:
    call_command("backup", "--output", str(path))
    summary: dict[str, Any] = json.loads(capsys.readouterr().out)
    return summary


def _rewrite(source: Path, target: Path, change: Any) -> None:
    """Copy an archive member by member, letting `change(name, data)` alter what is written."""
    with tarfile.open(source) as tar, tarfile.open(target, "w:gz") as out:
        for info in tar:
            handle = tar.extractfile(info)
            data = change(info.name, handle.read() if handle else b"")
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))


def _desk() -> dict[str, Any]:
    return {
        "customers": sorted(Customer.objects.values_list("name", flat=True)),
        "cases": Case.objects.count(),
    }


def test_round_trip_brings_back_database_and_files(
    rich: Rich, files_root: Path, tmp_path: Path, capsys: Any
) -> None:
    archive = tmp_path / "desk.tar.gz"
    summary = _backup(archive, capsys)
    assert summary["vendor"] == connection.vendor
    assert summary["counts"]["attachments"] == 1 and summary["counts"]["files"] == 1
    manifest = read_manifest(archive)
    assert manifest["counts"]["customers"] == Customer.objects.count()
    assert ["datacare", "0001_initial"] in manifest["migrations"]
    assert archive.stat().st_mode & 0o077 == 0
    original = _desk()
    stored = files_root / Attachment.objects.get().file.name

    # The desk moves on after the backup: all of this must be undone by the restore.
    create_customer(name="Arrived Later", by=None)
    update_customer(customer=rich.customer, by=None, name="Renamed Since")
    stored.unlink()
    (files_root / "attachments" / "new-since.txt").write_bytes(b"new")

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))
    assert Customer.objects.filter(name="Arrived Later").exists()

    call_command("restore", str(archive), "--yes")
    result = json.loads(capsys.readouterr().out)

    assert _desk() == original
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == rich.attachment_sha256
    assert not (files_root / "attachments" / "new-since.txt").exists()
    assert search_cases(Case.objects.all(), rich.secrets[4]).count() == 1
    # What the desk held just before is kept as an archive of its own.
    saved = Path(result["previous_desk_saved_as"])
    assert read_manifest(saved)["counts"]["customers"] == len(original["customers"]) + 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda name, data: data + b"x" if name.startswith("database") else data, "corrupted"),
        (
            lambda name, data: (
                json.dumps({**json.loads(data), "vendor": "oracle"}).encode()
                if name == "manifest.json"
                else data
            ),
            "holds a oracle database",
        ),
        (
            lambda name, data: (
                json.dumps({**json.loads(data), "format": "other/1"}).encode()
                if name == "manifest.json"
                else data
            ),
            "not a Rapport backup",
        ),
        (
            lambda name, data: (
                json.dumps(
                    {
                        **json.loads(data),
                        "migrations": [*json.loads(data)["migrations"], ["people", "9999_next"]],
                    }
                ).encode()
                if name == "manifest.json"
                else data
            ),
            "newer Rapport",
        ),
    ],
    ids=["corrupted", "other-vendor", "other-format", "newer-version"],
)
def test_a_bad_archive_is_refused_and_changes_nothing(
    rich: Rich, tmp_path: Path, capsys: Any, change: Any, message: str
) -> None:
    good = tmp_path / "good.tar.gz"
    _backup(good, capsys)
    bad = tmp_path / "bad.tar.gz"
    _rewrite(good, bad, change)
    create_customer(name="Still Here", by=None)
    before = _desk()
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(bad), "--yes")
    assert _desk() == before
    assert not list((tmp_path / "backups").glob("pre-restore-*"))


def test_a_file_that_is_not_an_archive_is_refused(db: None, tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar file at all")
    with pytest.raises(CommandError, match="cannot be read as a Rapport backup"):
        call_command("restore", str(junk), "--yes")
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), "--yes")
