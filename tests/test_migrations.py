"""The migration graph stays one line per app with nothing left to generate: two engineers'
migrations landing with the same number (two leaf nodes) stop `rapport migrate` on every desk."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader


def test_no_app_has_two_leaf_migrations() -> None:
    conflicts = MigrationLoader(None, ignore_no_migrations=True).detect_conflicts()
    assert conflicts == {}, f"renumber the later migration to follow the earlier: {conflicts}"


@pytest.mark.django_db
def test_the_models_need_no_new_migration() -> None:
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
