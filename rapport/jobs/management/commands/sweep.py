"""`rapport sweep`: act once on everything that has come due (the worker does this itself)."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rapport.jobs.items import put_off_report
from rapport.jobs.scheduler import failed_sweeps, run_sweeps


class Command(BaseCommand):
    help = (
        "Run the scheduler's sweeps once (SLA warnings and breaches, owners back, promises due, "
        "intake and outbox retries) and exit; lists the items put off after failing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print what was done as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        results = run_sweeps(now=timezone.now())
        put_off = put_off_report()
        if options["json"]:
            # Each sweep's result under its name, and what is put off under "put_off".
            report = {**results, "put_off": [item.as_dict() for item in put_off]}
            self.stdout.write(json.dumps(report, sort_keys=True))
        else:
            for name, acted in results.items():
                if "error" in acted:
                    self.stdout.write(f"{name}: failed ({acted['error']})")
                    continue
                done = [f"{len(ids)} {what}" for what, ids in acted.items() if ids]
                summary = ", ".join(done) or "nothing due"
                self.stdout.write(f"{name}: {summary}")
            for item in put_off:
                self.stdout.write(
                    f"put off: {item.sweep} #{item.item} failed {item.failures} time(s), "
                    f"next try {item.retry_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC: {item.reason}"
                )
        failed = failed_sweeps(results)
        if failed:
            raise CommandError(f"{len(failed)} sweep(s) failed: {', '.join(failed)} (see the log)")
