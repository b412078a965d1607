"""`rapport rollups`: build every settled day the insights keep (a backfill, or after the desk's
zone changed); the worker's sweep keeps them fresh afterwards, a month of days a run."""

from __future__ import annotations

import json
import time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from rapport.insights.rollups import refresh_rollups


class Command(BaseCommand):
    help = "Build the figures insights keep per day for every settled day (stale or missing)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        done = refresh_rollups(now=timezone.now(), zone=ZoneInfo(settings.TIME_ZONE), limit=None)
        seconds = round(time.perf_counter() - started, 1)
        self.stdout.write(
            json.dumps({"built": len(done["built"]), "staled": len(done["staled"]), "s": seconds})
        )
