"""Time to a named human read from the days kept per day (rapport/insights/rollups.py) answers
what the live query over every case answers: counts exactly, p50/p90 within the stated
resolution (waits.RESOLUTION), on random small desks in zones with whole, half and
three-quarter hour offsets, for windows of days and of exact times, narrowed by team and brand;
and still after a late first reply, a move to another team, a merge and a deadline passing."""

from __future__ import annotations

import importlib
import random
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as registry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.cases.actions.assignment import move_to_team
from rapport.cases.actions.merging import merge_cases
from rapport.cases.actions.messages import reply
from rapport.cases.models import Case, first_response
from rapport.insights.models import RollupDay, WaitDay
from rapport.insights.questions.time_to_human import QUESTION
from rapport.insights.report import Report, Scope, read_filters, scope_for
from rapport.insights.rollups import TIME_TO_HUMAN, refresh_rollups, split_window
from rapport.insights.waits import RESOLUTION
from rapport.routing.actions.opening import open_case
from rapport.social.actions.ingest import ingest_post
from rapport.social.actions.responses import record_response
from tests.conftest import World, dental_case
from tests.insights.test_rollups import narrowings, scope
from tests.social.posts import ON_BLUESKY

ZONES = ("Europe/Madrid", "Asia/Kathmandu", "America/St_Johns", "Asia/Kolkata", "UTC")
CHANNELS = ("email", "chat", "phone", "web")
PRIORITIES = ("low", "normal", "high", "urgent")
EXACT = ("distribution", "first-response", "next-response", "backlog", "over-time")


def copies(world: World, now: datetime, rng: random.Random, n: int, days: int = 40) -> None:
    """`n` customer-started cases like the world's, of random days (of the last `days`),
    channels, priorities, teams, waits and deadlines (some not answered yet, some deadlines
    still to come)."""
    models = [world.case, dental_case(world)]
    for _ in range(n):
        case = Case.objects.get(pk=rng.choice(models).pk)
        case.pk = None
        case.created_at = now - timedelta(seconds=rng.randrange(days * 86400))
        case.origin_channel, case.priority = rng.choice(CHANNELS), rng.choice(PRIORITIES)
        answered = rng.random() < 0.8
        wait = timedelta(seconds=rng.choice((0.4, 30, 299.9, 300, 3600, rng.expovariate(1e-4))))
        fields = first_response(case, case.created_at + wait if answered else None)
        for name, value in fields.items():
            setattr(case, name, value)
        due = rng.choice((None, timedelta(hours=1), timedelta(hours=4), timedelta(days=9)))
        case.first_response_due_at = None if due is None else case.created_at + due
        case.save()


def both(found: Scope) -> tuple[Report, Report]:
    return QUESTION.build(found), QUESTION.build(replace(found, kept=None))


def near(kept: Any, live: Any) -> bool:
    """Minutes to one decimal: within the resolution, and the two roundings."""
    if kept is None or live is None:
        return kept is live
    return bool(abs(kept - live) <= RESOLUTION * live + 0.1)


def assert_same(kept: Report, live: Report) -> None:
    for name in ("cases", "answered", "within_target"):
        assert kept.data[name] == live.data[name], name
    for name in ("median_minutes", "p90_minutes"):
        assert near(kept.data[name], live.data[name]), (name, kept.data, live.data)
    for name in EXACT:
        assert kept.table(name) == live.table(name), name
    for name in ("by-channel", "by-priority"):
        mine, theirs = kept.table(name), live.table(name)
        assert mine is not None and theirs is not None
        assert [row[:2] for row in mine.rows] == [row[:2] for row in theirs.rows]
        for a, b in zip(mine.rows, theirs.rows, strict=True):
            assert near(a[2], b[2]) and near(a[3], b[3]), (name, a, b)


@pytest.mark.parametrize(("zone", "seed"), [(zone, seed) for zone in ZONES for seed in (1, 2)])
def test_kept_days_answer_what_the_live_query_answers(
    world: World, settings: Any, zone: str, seed: int
) -> None:
    settings.TIME_ZONE = zone
    rng = random.Random(f"{zone}{seed}")  # noqa: S311 - a repeatable desk, not a secret
    now = timezone.now()
    copies(world, now, rng, 80)
    refresh_rollups(now=now, zone=ZoneInfo(zone), limit=None)
    assert WaitDay.objects.filter(whole=True).exists()
    used = 0
    for _ in range(8):
        for filters in narrowings(world):
            found = scope(world, now, rng, **filters)
            kept, live = both(found)
            assert_same(kept, live)
            used += bool(kept.data["kept_days"])
            assert live.data["kept_days"] == 0 and live.data["percentiles_within"] == 0
    assert used > 15  # most windows were read mostly from kept days


@pytest.fixture
def kept(world: World, settings: Any) -> tuple[World, datetime]:
    settings.TIME_ZONE = "Asia/Kathmandu"
    now = timezone.now()
    copies(world, now, random.Random(7), 60)  # noqa: S311 - a repeatable desk
    refresh_rollups(now=now, zone=ZoneInfo("Asia/Kathmandu"), limit=None)
    return world, now


def month(now: datetime, **filters: str) -> Scope:
    since = (now - timedelta(days=45)).isoformat()
    return scope_for(Case.objects.all(), read_filters({"since": since, **filters}), now=now)


def test_a_late_first_reply_a_move_and_a_merge_are_counted(kept: tuple[World, datetime]) -> None:
    world, now = kept
    ten_days_ago = now - timedelta(days=10)
    with time_machine.travel(ten_days_ago, tick=False):
        waiting = open_case(
            customer=world.customer, subject="Late", channel="email", text="Hi", by=None
        )
    for _ in range(2):  # its opening is read from two sweeps back
        refresh_rollups(now=now, zone=ZoneInfo("Asia/Kathmandu"), limit=None)
    day = ten_days_ago.astimezone(ZoneInfo("Asia/Kathmandu")).date()
    scoped = month(now)
    assert (
        day
        in split_window(
            TIME_TO_HUMAN, since=scoped.since, until=scoped.until, now=now, zone=scoped.zone
        ).kept
    )
    before = both(scoped)[0].data["answered"]
    reply(case=waiting, text="Sorry for the wait", by=world.colleague)  # answered today
    dental = Case.objects.filter(team=world.dental).exclude(pk=world.case.pk).first()
    assert dental is not None
    move_to_team(case=dental, team=world.clinic, by=world.supervisor)
    source = Case.objects.filter(team=world.dental).exclude(pk=dental.pk).first()
    assert source is not None
    merge_cases(source=source, target=world.case, by=world.supervisor)
    for sweep in (False, True, True):
        if sweep:
            refresh_rollups(now=now, zone=ZoneInfo("Asia/Kathmandu"), limit=None)
        for filters in ({}, {"team": str(world.clinic.pk)}, {"team": str(world.dental.pk)}):
            first, live = both(month(now, **filters))
            assert first.data["kept_days"] > 0
            assert_same(first, live)
    assert both(month(now))[0].data["answered"] > before  # the late reply, read at once


def test_a_deadline_passing_reads_its_day_live_until_built_again(
    kept: tuple[World, datetime],
) -> None:
    world, now = kept
    with time_machine.travel(now - timedelta(days=5), tick=False):
        waiting = open_case(
            customer=world.customer, subject="Slow", channel="email", text="Hi", by=None
        )
    Case.objects.filter(pk=waiting.pk).update(first_response_due_at=now + timedelta(days=1))
    refresh_rollups(now=now, zone=ZoneInfo("Asia/Kathmandu"), limit=None)
    later = now + timedelta(days=1, hours=1)  # the deadline passed: 'not answered, late'
    first, live = both(month(later))
    assert_same(first, live)
    built = refresh_rollups(now=later, zone=ZoneInfo("Asia/Kathmandu"), limit=None)
    day = waiting.created_at.astimezone(ZoneInfo("Asia/Kathmandu")).date()
    assert str(day) in built["built"]
    assert_same(*both(month(later)))


def test_kept_waits_in_a_fixed_number_of_queries(kept: tuple[World, datetime]) -> None:
    world, now = kept
    for filters in ({}, {"team": str(world.clinic.pk)}):
        scoped = month(now, **filters)
        with CaptureQueriesContext(connection) as seen:
            report = QUESTION.build(scoped)
        assert report.data["kept_days"] > 0
        # kept days, the first-response mark, changed days; the live histogram, two over
        # the kept rows, the live days' cases per day; live counts, missed deadlines
        assert len(seen) == 9, [q["sql"][:80] for q in seen]


def test_a_response_recorded_later_at_an_earlier_time_marks_its_day(
    kept: tuple[World, datetime],
) -> None:
    """A public reply recorded now as made ten days ago answers the case at a time before the
    sweeps' first-response mark: its day must still be read live, then built again."""
    world, now = kept
    zone = ZoneInfo("Asia/Kathmandu")
    ten_days_ago = now - timedelta(days=10)
    post = replace(ON_BLUESKY, post_id="at://did:plc:x/app.bsky.feed.post/late")
    post = replace(post, posted_at=ten_days_ago)
    with time_machine.travel(ten_days_ago, tick=False):
        case = ingest_post(post=post, source="webhook").case
    for _ in range(2):  # its opening is read from two sweeps back
        refresh_rollups(now=now, zone=zone, limit=None)
    assert both(month(now))[0].data["kept_days"] > 0
    record_response(
        case=case,
        kind="public_reply",
        by=world.agent,
        url="https://bsky.app/profile/clinic/post/9",
        at=ten_days_ago + timedelta(hours=1),
    )
    for sweep in (False, True, True):
        if sweep:
            refresh_rollups(now=now, zone=zone, limit=None)
        first, live = both(month(now))
        assert first.data["kept_days"] > 0
        assert_same(first, live)


def test_a_wait_of_most_of_a_year_reads_within_the_resolution(world: World, settings: Any) -> None:
    """A case left 250 days before its first answer (a backlog cleared at last): its kept day
    read it as 194 days (the last bucket's edge, 22 % short), live 250."""
    settings.TIME_ZONE = "UTC"
    now = timezone.now()
    case = Case.objects.get(pk=world.case.pk)
    case.pk = None
    case.created_at = now - timedelta(days=300)
    for name, value in first_response(case, case.created_at + timedelta(days=250)).items():
        setattr(case, name, value)
    case.save()
    refresh_rollups(now=now, zone=ZoneInfo("UTC"), limit=None)
    since = (now - timedelta(days=330)).isoformat()
    found = scope_for(Case.objects.all(), read_filters({"since": since}), now=now)
    kept, live = both(found)
    assert kept.data["kept_days"] > 0
    assert live.data["median_minutes"] == 250 * 24 * 60
    assert_same(kept, live)


def test_days_kept_with_a_wait_past_the_old_last_bucket_are_built_again(
    world: World, settings: Any
) -> None:
    """insights/0004: a day kept with a wait in bucket 247 (194 days or more, before the buckets
    went on to 34 years) is stale; the other days stay fresh."""
    settings.TIME_ZONE = "UTC"
    now = timezone.now()
    copies(world, now, random.Random(3), 10)  # noqa: S311 - a repeatable desk
    refresh_rollups(now=now, zone=ZoneInfo("UTC"), limit=None)
    long_ago = WaitDay.objects.filter(whole=True).earliest("day").day
    WaitDay.objects.filter(day=long_ago).update(bucket=247)  # as a desk had it kept
    fill = importlib.import_module("rapport.insights.migrations.0004_long_waits_stale")
    fill.mark_stale(registry, None)
    stale = RollupDay.objects.filter(question=TIME_TO_HUMAN, stale=True)
    assert list(stale.values_list("day", flat=True)) == [long_ago]
