"""Search finds call notes, organisations and fragments of identities (a phone typed any way).

New FTS5 tables (the identities' with the trigram tokenizer) on SQLite; side tables for call
notes and organisation names and a `pg_trgm` index on identity values on PostgreSQL. Existing
rows are indexed as the pieces are created; what was installed before is left as it is.
"""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from rapport.cases.search import install_search_index


def forwards(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    install_search_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("cases", "0013_notification_kinds")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
