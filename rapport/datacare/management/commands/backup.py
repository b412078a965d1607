"""`rapport backup [--output PATH]`: the database and stored files in one checked archive."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rapport.datacare.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write one archive with the database (SQLite online backup or pg_dump), the stored "
        "files and a manifest of counts and checksums. Safe while the desk runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", "-o", help="archive path (default: $RAPPORT_BACKUP_DIR/rapport-TIME.tar.gz)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            archive = create_backup(Path(options["output"]) if options["output"] else None)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        summary = {key: archive.manifest[key] for key in ("vendor", "created_at", "counts")}
        self.stdout.write(json.dumps({"archive": str(archive.path), **summary}))
