"""PostgreSQL: search stored tsvectors in side tables kept by triggers (a no-op on SQLite).

The GIN expression indexes of 0002 made a walk of the newest rows recompute `to_tsvector` for
each row; `install_search_index` now drops them and builds the side tables from existing rows.
"""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from rapport.cases.search import install_search_index


def forwards(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        install_search_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_routing_and_sla")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
