"""Search index: SQLite FTS5 tables kept in step by triggers, or PostgreSQL GIN indexes."""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from rapport.cases.search import install_search_index, uninstall_search_index


def forwards(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    install_search_index(schema_editor.connection)


def backwards(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    uninstall_search_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("people", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
