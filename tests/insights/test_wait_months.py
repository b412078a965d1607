"""Time to a named human's kept days summed per calendar month (rapport/insights/wait_months.py):
a window with whole months in it reads their month rows and answers what the live query over
every case answers (counts exactly, p50/p90 within the resolution), in zones with whole, half
and three-quarter hour offsets; a month with a day changed since is read per day (or live)
until that day is built again, and its month rows are then the sum of its days' rows again."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.cases.actions.messages import reply
from rapport.cases.models import Case, Initiative
from rapport.insights.models import RollupDay, WaitDay, WaitMonth, WaitTotalDay
from rapport.insights.report import Scope, read_filters, scope_for
from rapport.insights.rollups import TIME_TO_HUMAN, refresh_rollups, split_window
from rapport.insights.wait_months import FIGURES, GROUPS, month_days, outside, whole_months
from rapport.routing.actions.opening import open_case
from tests.conftest import World
from tests.insights.test_rollups_waits import ZONES, assert_same, both, copies

SPAN = 110  # days of cases: three whole calendar months or more


def long_window(now: datetime, rng: random.Random, **filters: str) -> Scope:
    zone = ZoneInfo(timezone.get_default_timezone_name())
    if rng.random() < 0.5:  # whole days
        first = (now - timedelta(days=rng.randrange(60, SPAN + 5))).astimezone(zone).date()
        until = first + timedelta(days=rng.randrange(40, SPAN + 10))
        given = {"since": str(first), "until": str(until)}
    else:  # exact times, to the second
        since = now - timedelta(seconds=rng.randrange(60 * 86400, (SPAN + 5) * 86400))
        until_at = since + timedelta(seconds=rng.randrange(40 * 86400, (SPAN + 10) * 86400))
        given = {"since": since.isoformat(), "until": until_at.isoformat()}
    return scope_for(Case.objects.all(), read_filters({**given, **filters}), now=now)


def months_read(found: Scope) -> list[date]:
    split = split_window(
        TIME_TO_HUMAN, since=found.since, until=found.until, now=found.now, zone=found.zone
    )
    return whole_months(split.kept)


def summed(rows: Any) -> dict[tuple[Any, ...], tuple[int, ...]]:
    return {
        tuple(row[k] for k in GROUPS): tuple(row[k] for k in FIGURES)
        for row in rows.values(*GROUPS).annotate(**{k: Sum(k) for k in FIGURES}).order_by()
    }


def assert_months_are_their_days(first: date) -> None:
    days = month_days(first)
    month = summed(WaitMonth.objects.filter(day=first))
    assert month
    assert month == summed(WaitDay.objects.filter(day__gte=days[0], day__lte=days[-1]))


def test_whole_months_of_days() -> None:
    february = month_days(date(2028, 2, 1))
    assert len(february) == 29 and february[-1] == date(2028, 2, 29)
    assert len(month_days(date(2026, 12, 1))) == 31
    march = month_days(date(2026, 3, 1))
    assert whole_months([*february, *march]) == [date(2026, 3, 1), date(2028, 2, 1)]
    assert whole_months([*february[1:], *march]) == [date(2026, 3, 1)]
    assert outside([*february, date(2028, 3, 1)], [date(2028, 2, 1)]) == [date(2028, 3, 1)]


@pytest.mark.parametrize("zone", ZONES)
def test_windows_with_whole_months_answer_what_the_live_query_answers(
    world: World, settings: Any, zone: str
) -> None:
    settings.TIME_ZONE = zone
    rng = random.Random(f"months {zone}")  # noqa: S311 - a repeatable desk, not a secret
    now = timezone.now()
    copies(world, now, rng, 120, days=SPAN)
    refresh_rollups(now=now, zone=ZoneInfo(zone), limit=None)
    local = ZoneInfo(zone)
    first_case = Case.objects.filter(initiative=Initiative.CUSTOMER).order_by("created_at").first()
    assert first_case is not None
    started = first_case.created_at.astimezone(local).date()
    kept_months = set(WaitMonth.objects.filter(whole=True).values_list("day", flat=True))
    # Every month whose days are all settled and on or after the first case has its rows; the
    # month of the first case has a day never built before it, unless it began on the 1st.
    settled = now.astimezone(local).date() - timedelta(days=2)
    every_day = [started + timedelta(days=n) for n in range((settled - started).days + 1)]
    assert kept_months == set(whole_months(every_day))
    assert len(kept_months) >= 2
    for first in kept_months:
        assert_months_are_their_days(first)
    narrowings = [{}, {"team": str(world.clinic.pk)}]
    if world.case.brand_id:
        narrowings.append({"brand": str(world.case.brand_id)})
    with_months = 0
    for _ in range(6):
        for filters in narrowings:
            found = long_window(now, rng, **filters)
            kept, live = both(found)
            assert_same(kept, live)
            with_months += bool(months_read(found))
    assert with_months >= 6


def test_a_year_reads_the_month_rows(world: World, settings: Any) -> None:
    settings.TIME_ZONE = "Asia/Kathmandu"
    now = timezone.now()
    copies(world, now, random.Random(11), 40, days=SPAN)  # noqa: S311 - a repeatable desk
    refresh_rollups(now=now, zone=ZoneInfo("Asia/Kathmandu"), limit=None)
    since = (now - timedelta(days=365)).astimezone(ZoneInfo("Asia/Kathmandu")).date()
    found = scope_for(Case.objects.all(), read_filters({"since": str(since)}), now=now)
    with CaptureQueriesContext(connection) as seen:
        kept, live = both(found)
    assert any("insights_waitmonth" in query["sql"] for query in seen)
    assert kept.data["kept_days"] > 60
    assert_same(kept, live)


def test_a_late_first_reply_reads_its_month_per_day_until_built_again(
    world: World, settings: Any
) -> None:
    zone = ZoneInfo("America/St_Johns")
    settings.TIME_ZONE = zone.key
    now = timezone.now()
    copies(world, now, random.Random(5), 60, days=SPAN)  # noqa: S311 - a repeatable desk
    refresh_rollups(now=now, zone=zone, limit=None)
    months = sorted(WaitMonth.objects.filter(whole=True).values_list("day", flat=True))
    month = months[-1]
    at = datetime.combine(month + timedelta(days=9), datetime.min.time(), tzinfo=zone)
    with time_machine.travel(at + timedelta(hours=12), tick=False):
        waiting = open_case(
            customer=world.customer, subject="Late", channel="email", text="Hi", by=None
        )
    for _ in range(2):  # its opening is read from two sweeps back
        refresh_rollups(now=now, zone=zone, limit=None)
    assert_months_are_their_days(month)
    whole = scope_for(Case.objects.all(), read_filters({"since": str(months[0])}), now=now)
    assert month in months_read(whole)
    before = both(whole)[0].data["answered"]
    answered = WaitMonth.objects.filter(day=month, whole=True, priority="", bucket__gte=0)
    in_month = answered.aggregate(n=Sum("cases"))["n"]
    reply(case=waiting, text="Sorry for the wait", by=world.colleague)  # answered today
    assert month not in months_read(whole)  # its day changed: read live, the rest per day
    kept, live = both(whole)
    assert kept.data["answered"] == before + 1
    assert_same(kept, live)
    for _ in range(2):
        refresh_rollups(now=now, zone=zone, limit=None)
    assert RollupDay.objects.filter(question=TIME_TO_HUMAN, stale=True).count() == 0
    assert answered.aggregate(n=Sum("cases"))["n"] == in_month + 1  # built again
    assert_months_are_their_days(month)
    kept, live = both(whole)
    assert kept.data["answered"] == before + 1
    assert_same(kept, live)


def test_day_totals_are_the_days_channel_rows(world: World, settings: Any) -> None:
    settings.TIME_ZONE = "Asia/Kolkata"
    now = timezone.now()
    copies(world, now, random.Random(9), 40)  # noqa: S311 - a repeatable desk
    refresh_rollups(now=now, zone=ZoneInfo("Asia/Kolkata"), limit=None)
    expected: dict[tuple[Any, ...], list[int]] = {}
    for row in WaitDay.objects.filter(priority=""):  # the channel rows count each case once
        found = expected.setdefault((row.day, row.whole, row.team, row.brand), [0, 0])
        found[0] += row.cases
        found[1] += row.cases if row.bucket >= 0 else 0
    assert expected
    assert {
        (row.day, row.whole, row.team, row.brand): [row.cases, row.answered]
        for row in WaitTotalDay.objects.all()
    } == expected
