"""`rapport sweep`: act once on everything that has come due (the worker does this itself)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from rapport.jobs.scheduler import run_sweeps


class Command(BaseCommand):
    help = "Run the scheduler's sweeps once (SLA warnings and breaches, owners back) and exit."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print what was done as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        results = run_sweeps(now=timezone.now())
        if options["json"]:
            self.stdout.write(json.dumps(results, sort_keys=True))
            return
        for name, acted in results.items():
            done = [f"{len(ids)} {what}" for what, ids in acted.items() if ids]
            summary = ", ".join(done) or "nothing due"
            self.stdout.write(f"{name}: {summary}")
