"""`rapport incident-import FILE --incident ID --as USERNAME`: load affected customers from CSV."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.lib.errors import ActionError
from rapport.outreach.actions.imports import import_audience, start_import
from rapport.outreach.models import ImportStatus, Incident
from rapport.people.models import Agent


class Command(BaseCommand):
    help = (
        "Import an incident's affected customers from a CSV file (name,email,phone and any other "
        "columns as facts for the priority rules). Bad rows are reported as 'line N: ...' and "
        "skipped; the exit status is 1 when there were any."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="The CSV file, or - for standard input.")
        parser.add_argument("--incident", type=int, required=True, help="The incident's id.")
        parser.add_argument(
            "--as", dest="username", required=True, help="The supervisor doing the import."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        agent = Agent.objects.filter(
            user__username=options["username"], user__is_active=True
        ).first()
        if agent is None:
            raise CommandError(f"There is no active agent called {options['username']!r}.")
        incident = Incident.objects.filter(pk=options["incident"]).first()
        if incident is None:
            raise CommandError(f"There is no incident #{options['incident']}.")
        path = options["file"]
        try:
            content = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        try:
            job = start_import(
                incident=incident, content=content, filename=Path(path).name, by=agent
            )
        except ActionError as exc:
            raise CommandError(exc.message) from exc
        # Run it here and now; a worker that picks up the queued job finds it already claimed.
        job = import_audience(job.pk)
        for error in job.errors:
            self.stderr.write(f"line {error['line']}: {error['message']}")
        self.stdout.write(
            f"{job.processed_rows} rows read, {job.added} customers added to "
            f"{incident.title!r} ({len(job.errors)} bad rows)."
        )
        if job.status == ImportStatus.FAILED:
            raise CommandError(job.failure or "The import failed.")
        if job.errors:
            sys.exit(1)
