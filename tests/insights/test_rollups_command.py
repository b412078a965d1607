"""`rapport rollups` builds every settled day the insights keep; the worker's sweep keeps them
fresh a month of days a run, newest first, through the scheduler's own code."""

from __future__ import annotations

import io
import json
import random
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.utils import timezone

from rapport.insights.models import RollupDay
from rapport.insights.rollups import SWEEP_DAYS
from rapport.jobs.scheduler import run_sweeps
from tests.conftest import World
from tests.insights.test_rollups import said


def test_the_sweep_builds_the_newest_month_and_the_command_the_rest(
    world: World, settings: Any
) -> None:
    settings.TIME_ZONE = "Asia/Kolkata"
    zone = ZoneInfo("Asia/Kolkata")
    now = timezone.now()
    first_at = now - timedelta(days=80)
    said(world.case, first_at, random.Random(1))  # noqa: S311 - test data
    first = first_at.astimezone(zone).date()
    newest = now.astimezone(zone).date() - timedelta(days=2)  # yesterday and today: live
    settled = (newest - first).days + 1
    swept = run_sweeps(now=now)["insights_rollups"]
    assert swept["built"][-1] == str(newest) and len(swept["built"]) == SWEEP_DAYS
    out = io.StringIO()
    call_command("rollups", stdout=out)
    assert json.loads(out.getvalue())["built"] == settled - SWEEP_DAYS
    assert RollupDay.objects.filter(stale=False, zone="Asia/Kolkata").count() == settled
    assert run_sweeps(now=now)["insights_rollups"] == {"staled": [], "built": []}
