"""A 250, an exit 0 or a 2xx means the raw mail survives a power cut: the commit that stores it
is synced to disk (SQLite: synchronous=FULL, since in WAL mode NORMAL can lose the last commits;
PostgreSQL: synchronous_commit=on)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from rapport.lib.bulk import insert_each
from rapport.mail import bounds
from rapport.mail.actions import intake as actions
from rapport.mail.models import InboundEmail
from rapport.mail.parse import ParsedEmail
from tests.conftest import World
from tests.mail.intake_helpers import make_mail

pytestmark = pytest.mark.django_db(transaction=True)


def _durability() -> tuple[str, str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode")
            journal = str(cursor.fetchone()[0]).lower()
            cursor.execute("PRAGMA synchronous")
            mode = {0: "off", 1: "normal", 2: "full", 3: "extra"}[cursor.fetchone()[0]]
            return journal, mode
        cursor.execute("SHOW synchronous_commit")
        return "postgresql", str(cursor.fetchone()[0])


def test_the_pipe_stores_mail_on_a_connection_that_syncs_every_commit(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, str]] = []

    def watching(model: Any, rows: Any) -> Any:
        seen.append(_durability())  # the very connection, inside the store's transaction
        return insert_each(model, rows)

    monkeypatch.setattr("rapport.mail.actions.intake.insert_each", watching)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(make_mail())))
    call_command("ingest_email", "-", stdout=io.StringIO())
    assert InboundEmail.objects.count() == 1
    expected = ("wal", "full") if connection.vendor == "sqlite" else ("postgresql", "on")
    assert seen == [expected]


def test_processing_skips_the_sync_and_gives_it_back(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Processing is redone if its commits are lost, so it need not wait for the disk; the
    connection syncs again afterwards (and the next synced commit covers what came before)."""
    row = actions.store_inbound_email(raw=make_mail(), source="pipe", enqueue=False)
    seen: list[tuple[str, str]] = []
    read_mail = bounds.read_mail

    def watching(raw: bytes) -> ParsedEmail:
        seen.append(_durability())
        return read_mail(raw)

    monkeypatch.setattr(bounds, "read_mail", watching)
    assert actions.process_inbound_email(inbound_id=row.pk).outcome == "new_case"
    if connection.vendor == "sqlite":
        assert seen == [("wal", "normal")]
        assert _durability() == ("wal", "full")
    else:
        assert seen == [("postgresql", "on")]
