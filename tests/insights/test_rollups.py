"""Sentiment read from the days kept per day (rapport/insights/rollups.py) answers exactly what
the live query over every message answers: on random small desks in zones with whole, half and
three-quarter hour offsets, for windows of days and of exact times, narrowed by team, site, agent
and brand; and still after a case changes hands, a message arrives late, cases merge or the
desk's zone changes."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.cases.actions.assignment import assign_case, move_to_team
from rapport.cases.actions.merging import merge_cases
from rapport.cases.models import Case, Message
from rapport.datacare.actions.erasure import erase_customer
from rapport.insights.models import RollupDay, SentimentDay
from rapport.insights.report import Scope, read_filters, scope_for
from rapport.insights.rollups import SENTIMENT, Keys, refresh_rollups, split_window
from rapport.insights.sentiment import Sentiment, sentiment
from rapport.routing.actions.opening import open_case, split_message
from rapport.triage.models import MessageSignal
from tests.conftest import World, dental_case

ZONES = ("Europe/Madrid", "Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns", "UTC")
SIGNALS = (
    ("upset", "anger"),
    ("upset", "frustration"),
    ("urgent", "deadline"),
    ("compliment", "x"),
)


def said(case: Case, at: datetime, rng: random.Random) -> Message:
    message = Message.objects.create(
        case=case, customer=case.customer, direction="in", channel="email", text="…", created_at=at
    )
    for signal, kind in rng.sample(SIGNALS, rng.choice((0, 0, 1, 2))):
        MessageSignal.objects.create(message=message, case=case, signal=signal, kind=kind, at=at)
    return message


def desk(world: World, now: datetime, rng: random.Random) -> list[Case]:
    cases = [
        world.case,
        dental_case(world),
        open_case(
            customer=world.customer,
            subject="Limping",
            channel="email",
            text="Help",
            by=world.colleague,
            owner=world.colleague,
            team=world.clinic,
        ),
    ]
    for _ in range(60):
        at = now - timedelta(seconds=rng.randrange(40 * 86400))
        said(rng.choice(cases), at, rng)
    return cases


def scope(world: World, now: datetime, rng: random.Random, **filters: str) -> Scope:
    zone = ZoneInfo(timezone.get_default_timezone_name())
    if rng.random() < 0.5:  # whole days
        first = (now - timedelta(days=rng.randrange(45))).astimezone(zone).date()
        given = {"since": str(first), "until": str(first + timedelta(days=rng.randrange(50)))}
    else:  # exact times, to the second
        since = now - timedelta(seconds=rng.randrange(45 * 86400))
        until = since + timedelta(seconds=rng.randrange(1, 50 * 86400))
        given = {"since": since.isoformat(), "until": until.isoformat()}
    return scope_for(Case.objects.all(), read_filters({**given, **filters}), now=now)


def both(found: Scope) -> tuple[Sentiment, Sentiment]:
    since, until, zone = found.since, found.until, found.zone
    kept = sentiment(
        found.cases, since=since, until=until, zone=zone, kept=found.kept, now=found.now
    )
    return kept, sentiment(found.cases, since=since, until=until, zone=zone)


def narrowings(world: World) -> list[dict[str, str]]:
    return [
        {},
        {"team": str(world.clinic.pk)},
        {"team": str(world.dental.pk)},
        {"agent": str(world.colleague.pk)},
        {"agent": str(world.outsider.pk)},
        {"site": str(world.night_site.pk)},
        *([{"brand": str(world.case.brand_id)}] if world.case.brand_id else []),
    ]


@pytest.mark.parametrize(("zone", "seed"), [(zone, seed) for zone in ZONES for seed in (1, 2)])
def test_kept_days_answer_what_the_live_query_answers(
    world: World, settings: Any, zone: str, seed: int
) -> None:
    settings.TIME_ZONE = zone
    rng = random.Random(f"{zone}{seed}")  # noqa: S311 - a repeatable desk, not a secret
    now = timezone.now()
    desk(world, now, rng)
    done = refresh_rollups(now=now, zone=ZoneInfo(zone), limit=None)
    assert len(done["built"]) >= 30  # every settled day since the first message
    assert windows_agree(world, now, rng, both, SENTIMENT) > 40


def windows_agree(
    world: World,
    now: datetime,
    rng: random.Random,
    both: Callable[[Scope], tuple[object, object]],
    question: str,
) -> int:
    """Twelve random windows per narrowing: read with kept days and live, the same figures.
    How many read kept days (most should)."""
    used = 0
    for _ in range(12):
        for filters in narrowings(world):
            found = scope(world, now, rng, **filters)
            assert found.kept is not None
            kept, live = both(found)
            assert kept == live, (found.since, found.until, filters)
            split = split_window(
                question, since=found.since, until=found.until, now=now, zone=found.zone
            )
            used += bool(split.kept)
    return used


@pytest.fixture
def kept(world: World, settings: Any) -> tuple[World, datetime]:
    settings.TIME_ZONE = "Europe/Madrid"
    now = timezone.now()
    desk(world, now, random.Random(7))  # noqa: S311 - a repeatable desk
    refresh_rollups(now=now, zone=ZoneInfo("Europe/Madrid"), limit=None)
    return world, now


def month(world: World, now: datetime, **filters: str) -> Scope:
    since = (now - timedelta(days=45)).isoformat()
    return scope_for(Case.objects.all(), read_filters({"since": since, **filters}), now=now)


def test_a_case_handed_to_another_owner_counts_under_them_at_once(
    kept: tuple[World, datetime],
) -> None:
    world, now = kept
    old = Message.objects.filter(case=world.case, created_at__lt=now - timedelta(days=3)).first()
    assert old is not None
    day = old.created_at.astimezone(ZoneInfo("Europe/Madrid")).date()
    before, _ = both(month(world, now, agent=str(world.colleague.pk)))
    assign_case(case=world.case, owner=world.colleague, by=world.supervisor)
    # The kept rows of that day still name the old owner; the day is read live until rebuilt.
    assert SentimentDay.objects.filter(day=day, owner=world.agent.pk).exists()
    for filters in ({"agent": str(world.colleague.pk)}, {"agent": str(world.agent.pk)}, {}):
        first, live = both(month(world, now, **filters))
        assert first == live
    scoped = month(world, now)
    assert (
        day
        not in split_window(
            SENTIMENT, since=scoped.since, until=scoped.until, now=now, zone=scoped.zone
        ).kept
    )
    done = refresh_rollups(now=now, zone=ZoneInfo("Europe/Madrid"), limit=None)
    assert str(day) in done["staled"] and str(day) in done["built"]
    assert not SentimentDay.objects.filter(day=day, owner=world.agent.pk).exists()
    after, live = both(month(world, now, agent=str(world.colleague.pk)))
    assert after == live
    assert after.total.messages > before.total.messages


def test_a_late_message_and_a_merge_are_counted(kept: tuple[World, datetime]) -> None:
    world, now = kept
    ten_days_ago = now - timedelta(days=10)
    # Imported late, dated when it was sent.
    said(world.case, ten_days_ago, random.Random(1))  # noqa: S311 - test data
    dental = Case.objects.filter(team=world.dental).get()
    merge_cases(source=dental, target=world.case, by=world.supervisor)
    for filters in ({}, {"team": str(world.clinic.pk)}, {"team": str(world.dental.pk)}):
        before_sweep, live = both(month(world, now, **filters))
        assert before_sweep == live
    refresh_rollups(now=now, zone=ZoneInfo("Europe/Madrid"), limit=None)
    for filters in ({}, {"team": str(world.clinic.pk)}, {"team": str(world.dental.pk)}):
        after_sweep, live = both(month(world, now, **filters))
        assert after_sweep == live
    assert both(month(world, now, team=str(world.dental.pk)))[0].total.messages == 0


def test_days_kept_in_another_zone_are_read_live_until_built_again(
    kept: tuple[World, datetime], settings: Any
) -> None:
    world, now = kept
    settings.TIME_ZONE = "Asia/Kathmandu"
    scoped = month(world, now)
    assert not split_window(
        SENTIMENT, since=scoped.since, until=scoped.until, now=now, zone=scoped.zone
    ).kept
    assert both(scoped)[0] == both(scoped)[1]
    refresh_rollups(now=now, zone=ZoneInfo("Asia/Kathmandu"), limit=None)
    assert RollupDay.objects.filter(zone="Asia/Kathmandu").count() >= 30
    assert split_window(
        SENTIMENT, since=scoped.since, until=scoped.until, now=now, zone=scoped.zone
    ).kept
    assert both(scoped)[0] == both(scoped)[1]


def test_kept_figures_in_a_fixed_number_of_queries(kept: tuple[World, datetime]) -> None:
    world, now = kept
    for filters in ({}, {"site": str(world.night_site.pk)}):
        scoped = month(world, now, **filters)
        with CaptureQueriesContext(connection) as seen:
            sentiment(
                scoped.cases,
                since=scoped.since,
                until=scoped.until,
                zone=scoped.zone,
                kept=scoped.kept,
                now=now,
            )
        # kept days, changed days, three live queries, two over the kept rows
        assert len(seen) == 7


def test_a_narrower_scope_than_the_whole_desk_is_read_live(world: World) -> None:
    form = read_filters({})
    assert scope_for(Case.objects.all(), form, now=timezone.now()).kept == Keys()
    mine = Case.objects.filter(owner=world.agent)
    assert scope_for(mine, form, now=timezone.now()).kept is None


def test_a_change_while_the_desk_is_in_another_zone_is_counted_when_it_comes_back(
    kept: tuple[World, datetime], settings: Any
) -> None:
    world, now = kept
    madrid, tokyo = ZoneInfo("Europe/Madrid"), ZoneInfo("Asia/Tokyo")
    settings.TIME_ZONE = "Asia/Tokyo"
    # Late evening in Madrid ten days ago: the next day in Tokyo.
    late = datetime.combine(
        (now - timedelta(days=10)).astimezone(madrid).date(), datetime.min.time(), tzinfo=madrid
    ) + timedelta(hours=22)
    said(world.case, late, random.Random(3))  # noqa: S311 - test data
    # Two of the worker's sweeps in Tokyo, each building only the newest day.
    refresh_rollups(now=now, zone=tokyo, limit=1)
    refresh_rollups(now=now, zone=tokyo, limit=1)
    settings.TIME_ZONE = "Europe/Madrid"
    for filters in ({}, {"team": str(world.clinic.pk)}):
        first, live = both(month(world, now, **filters))
        assert first == live
    refresh_rollups(now=now, zone=madrid, limit=None)
    after, live = both(month(world, now))
    assert after == live


def test_a_split_a_move_to_another_team_and_an_erasure_are_counted(
    kept: tuple[World, datetime],
) -> None:
    world, now = kept
    madrid = ZoneInfo("Europe/Madrid")
    old = Message.objects.filter(case=world.case, created_at__lt=now - timedelta(days=5)).first()
    assert old is not None
    split_message(message=old, by=world.supervisor)
    dental = Case.objects.filter(team=world.dental).get()
    move_to_team(case=dental, team=world.clinic, by=world.supervisor)
    erase_customer(customer=world.customer, by=world.supervisor, via="test")
    for sweep in (False, True, True):
        if sweep:
            refresh_rollups(now=now, zone=madrid, limit=None)
        for filters in ({}, {"team": str(world.clinic.pk)}, {"team": str(world.dental.pk)}):
            first, live = both(month(world, now, **filters))
            assert first == live, (sweep, filters)
