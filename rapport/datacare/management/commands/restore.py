"""`rapport restore PATH --yes`: replace the database and files with an archive's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rapport.datacare.backup import BackupError, read_manifest, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive made by `rapport backup`: checked first (format, database vendor, "
        "checksums), the current desk saved as a pre-restore archive, then replaced. Stop the "
        "web and worker processes first. Needs --yes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="confirm replacing the desk")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["archive"])
        try:
            if not options["yes"]:
                manifest = read_manifest(path)
                raise CommandError(
                    f"{path} is a valid {manifest['vendor']} backup of {manifest['created_at']} "
                    f"({json.dumps(manifest['counts'])}). Restoring replaces everything the desk "
                    "holds now: run again with --yes."
                )
            restored = restore_backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            json.dumps(
                {
                    "restored": str(path),
                    "created_at": restored.manifest["created_at"],
                    "counts": restored.manifest["counts"],
                    "previous_desk_saved_as": str(restored.saved_as),
                }
            )
        )
