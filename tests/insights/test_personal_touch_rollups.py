"""Personal touch read from the days kept per day (rapport/insights/personal_touch.py, rollups.py)
answers exactly what the live query answers: on random small desks in zones with whole, half and
three-quarter hour offsets (+5:45, -3:30), for windows of days and of exact times, narrowed by
team, site, agent and brand; and, before and after the sweep, after each change that alters a
settled day's replies or resolved cases (each of which the kept day alone would miss)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.cases.actions.assignment import assign_case, move_to_team
from rapport.cases.actions.merging import merge_cases
from rapport.cases.actions.messages import log_call
from rapport.cases.actions.status import change_status
from rapport.cases.models import Call, Case, CaseEvent, Message
from rapport.datacare.actions.erasure import erase_customer
from rapport.insights.models import ResolvedDay
from rapport.insights.personal_touch import PersonalTouch, personal_touch
from rapport.insights.report import Scope, read_filters, scope_for
from rapport.insights.rollups import PERSONAL_TOUCH, refresh_rollups
from rapport.people.models import Agent
from rapport.routing.actions.opening import open_case, receive_message, split_message
from tests.conftest import World, dental_case
from tests.insights.test_rollups import windows_agree

ZONES = ("Europe/Madrid", "Asia/Kathmandu", "America/St_Johns", "Asia/Kolkata", "UTC")
MADRID = ZoneInfo("Europe/Madrid")


def sent(case: Case, at: datetime, rng: random.Random, authors: list[Agent | None]) -> Message:
    """A reply of the desk on `case` at `at`: by a person (by hand, from a saved reply changed
    or not; by email or in the chat) or automatic."""
    author = rng.choice(authors)
    return Message.objects.create(
        case=case,
        customer=case.customer,
        direction="out",
        channel=rng.choice(("email", "email", "chat")),
        author=author,
        sent_unchanged=None if author is None else rng.choice((None, True, False)),
        text="…",
        created_at=at,
    )


def resolved(case: Case, at: datetime) -> None:
    Case.objects.filter(pk=case.pk).update(status="resolved", resolved_at=at)


def called(case: Case, rng: random.Random) -> None:
    for _ in range(rng.choice((0, 0, 1, 2, 3, 4))):
        Call.objects.create(
            case=case, customer=case.customer, direction="outbound", outcome="reached"
        )


def desk(world: World, now: datetime, rng: random.Random) -> list[Case]:
    people = [world.agent, world.colleague, world.outsider]
    authors: list[Agent | None] = [*people, world.supervisor, None]
    cases = [
        world.case,
        dental_case(world),
        *(
            open_case(
                customer=world.customer,
                subject=f"Case {n}",
                channel="email",
                text="Help",
                by=world.supervisor,
                owner=rng.choice([*people, None]),
                team=rng.choice((world.clinic, world.dental)),
            )
            for n in range(10)
        ),
    ]
    for case in cases[2:8:2]:  # changed hands
        if case.owner_id is not None:
            others = [person for person in people if person.pk != case.owner_id]
            assign_case(case=case, owner=rng.choice(others), by=world.supervisor)
    for case in cases:
        called(case, rng)
        if rng.random() < 0.8:
            resolved(case, now - timedelta(seconds=rng.randrange(40 * 86400)))
    for _ in range(60):
        at = now - timedelta(seconds=rng.randrange(40 * 86400))
        sent(rng.choice(cases), at, rng, authors)
    return cases


def both(found: Scope) -> tuple[PersonalTouch, PersonalTouch]:
    since, until, zone = found.since, found.until, found.zone
    kept = personal_touch(
        found.cases, since=since, until=until, zone=zone, kept=found.kept, now=found.now
    )
    return kept, personal_touch(found.cases, since=since, until=until)


@pytest.mark.parametrize(("zone", "seed"), [(zone, seed) for zone in ZONES for seed in (1, 2)])
def test_kept_days_answer_what_the_live_query_answers(
    world: World, settings: Any, zone: str, seed: int
) -> None:
    settings.TIME_ZONE = zone
    rng = random.Random(f"touch{zone}{seed}")  # noqa: S311 - a repeatable desk, not a secret
    now = timezone.now()
    desk(world, now, rng)
    done = refresh_rollups(now=now, zone=ZoneInfo(zone), limit=None)
    assert len(done["built"]) >= 30  # every settled day since the first reply or resolving
    assert ResolvedDay.objects.filter(whole=False, changed_hands__gt=0).exists()
    assert windows_agree(world, now, rng, both, PERSONAL_TOUCH) > 40  # most read kept days


@pytest.fixture
def kept(world: World, settings: Any) -> tuple[World, datetime]:
    settings.TIME_ZONE = "Europe/Madrid"
    now = timezone.now()
    desk(world, now, random.Random(7))  # noqa: S311 - a repeatable desk
    refresh_rollups(now=now, zone=MADRID, limit=None)
    return world, now


def month(world: World, now: datetime, **filters: str) -> Scope:
    since = (now - timedelta(days=45)).isoformat()
    return scope_for(Case.objects.all(), read_filters({"since": since, **filters}), now=now)


def settled_case(world: World, now: datetime, *, days: int = 10, owner: Agent | None) -> Case:
    """A clinic case resolved `days` ago with a reply three days before and a call, kept by a
    sweep."""
    case = open_case(
        customer=world.customer,
        subject="Kept",
        channel="email",
        text="Help",
        by=world.supervisor,
        owner=owner,
        team=world.clinic,
    )
    at = now - timedelta(days=days)
    sent(case, at - timedelta(days=3), random.Random(1), [world.agent])  # noqa: S311 - test data
    log_call(case=case, by=world.agent, direction="outbound", outcome="reached")
    resolved(case, at)
    # Twice: a sweep reads what changed since the one before it, so after two the reply and
    # call written here no longer mark the day; only the change a test makes next can.
    for _ in range(2):
        refresh_rollups(now=now, zone=MADRID, limit=None)
    return case


def agrees(world: World, now: datetime) -> PersonalTouch:
    """Kept and live agree on the whole desk, each team and each agent, before and after the
    sweep; the whole desk's figures as read."""
    for sweep in (False, True):
        if sweep:
            refresh_rollups(now=now, zone=MADRID, limit=None)
        for filters in (
            {},
            {"team": str(world.clinic.pk)},
            {"team": str(world.dental.pk)},
            {"agent": str(world.agent.pk)},
            {"agent": str(world.colleague.pk)},
            {"site": str(world.night_site.pk)},
        ):
            first, live = both(month(world, now, **filters))
            assert first == live, (sweep, filters)
    return both(month(world, now))[0]


def test_a_reply_imported_late_is_counted(kept: tuple[World, datetime]) -> None:
    world, now = kept
    refresh_rollups(now=now, zone=MADRID, limit=None)
    before = both(month(world, now))[0]
    sent(world.case, now - timedelta(days=10), random.Random(2), [world.colleague])  # noqa: S311
    assert agrees(world, now).replies.replies == before.replies.replies + 1


def test_replies_of_a_case_handed_to_another_owner_count_under_them(
    kept: tuple[World, datetime],
) -> None:
    world, now = kept
    case = settled_case(world, now, owner=world.agent)
    before = both(month(world, now, agent=str(world.colleague.pk)))[0]
    assign_case(case=case, owner=world.colleague, by=world.supervisor)
    agrees(world, now)
    after = both(month(world, now, agent=str(world.colleague.pk)))[0]
    assert after.replies.replies == before.replies.replies + 1
    assert after.ownership.changed_hands == before.ownership.changed_hands + 1


def test_a_resolved_case_moved_to_another_team_counts_there(kept: tuple[World, datetime]) -> None:
    world, now = kept
    case = settled_case(world, now, owner=None)
    before = both(month(world, now, team=str(world.dental.pk)))[0]
    move_to_team(case=case, team=world.dental, by=world.supervisor)
    agrees(world, now)
    after = both(month(world, now, team=str(world.dental.pk)))[0]
    assert after.ownership.resolved == before.ownership.resolved + 1


def test_a_call_logged_late_on_a_resolved_case_is_counted(kept: tuple[World, datetime]) -> None:
    world, now = kept
    case = settled_case(world, now, owner=world.agent)
    before = both(month(world, now))[0]
    # Added by an import (no event), then, after two sweeps, logged by the agent today.
    Call.objects.create(case=case, customer=case.customer, direction="outbound", outcome="reached")
    assert agrees(world, now).ownership.calls == before.ownership.calls + 1
    refresh_rollups(now=now, zone=MADRID, limit=None)
    log_call(case=case, by=world.agent, direction="inbound", outcome="reached")
    assert agrees(world, now).ownership.calls == before.ownership.calls + 2


def test_a_case_reopened_leaves_the_day_it_was_resolved(kept: tuple[World, datetime]) -> None:
    world, now = kept
    case = settled_case(world, now, owner=world.agent)
    before = both(month(world, now))[0]
    change_status(case=case, to="open", by=world.agent)
    assert agrees(world, now).ownership.resolved == before.ownership.resolved - 1


def test_a_case_resolved_again_counts_on_its_new_day_only(kept: tuple[World, datetime]) -> None:
    world, now = kept
    case = settled_case(world, now, owner=world.agent)
    old = both(month(world, now))[0]
    # The customer writes again (the case opens, still holding when it was resolved), then
    # the agent resolves it again today.
    receive_message(case=case, text="It came back", channel="email")
    change_status(case=case, to="resolved", by=world.agent)
    event = CaseEvent.objects.filter(case=case, kind="status").latest("pk")
    assert event.before["resolved_at"]
    agrees(world, now)
    # Today's resolving is outside a window of settled days.
    until = (now - timedelta(days=2)).astimezone(MADRID).date().isoformat()
    settled = scope_for(
        Case.objects.all(),
        read_filters({"since": (now - timedelta(days=45)).isoformat(), "until": until}),
        now=now,
    )
    kept_figures, live = both(settled)
    assert kept_figures == live
    assert kept_figures.ownership.resolved == old.ownership.resolved - 1


def test_merged_cases_calls_count_on_the_target(kept: tuple[World, datetime]) -> None:
    world, now = kept
    source = settled_case(world, now, days=12, owner=world.agent)
    target = settled_case(world, now, days=8, owner=world.colleague)
    before = both(month(world, now, agent=str(world.colleague.pk)))[0]
    merge_cases(source=source, target=target, by=world.supervisor)
    after = agrees(world, now)
    assert after.ownership.calls == both(month(world, now))[1].ownership.calls
    colleague = both(month(world, now, agent=str(world.colleague.pk)))[0]
    assert colleague.ownership.calls == before.ownership.calls + 1
    assert colleague.replies.replies == before.replies.replies + 1


def test_a_split_and_an_erasure_are_counted(kept: tuple[World, datetime]) -> None:
    world, now = kept
    old = Message.objects.filter(case=world.case, direction="in").first()
    assert old is not None
    split_message(message=old, by=world.supervisor)
    erase_customer(customer=world.customer, by=world.supervisor, via="test")
    agrees(world, now)


def test_kept_figures_in_a_fixed_number_of_queries(kept: tuple[World, datetime]) -> None:
    world, now = kept
    for filters in ({}, {"site": str(world.night_site.pk)}, {"agent": str(world.agent.pk)}):
        scoped = month(world, now, **filters)
        with CaptureQueriesContext(connection) as seen:
            personal_touch(
                scoped.cases,
                since=scoped.since,
                until=scoped.until,
                zone=scoped.zone,
                kept=scoped.kept,
                now=now,
            )
        # kept days, changed days, replies live and kept, the kept authors' names, owners,
        # calls, resolved days kept
        assert len(seen) == 8


def test_the_page_and_api_read_kept_days_in_a_fixed_number_of_queries(
    kept: tuple[World, datetime],
) -> None:
    world, now = kept
    client = world.client_for(world.supervisor)
    since = (now - timedelta(days=45)).astimezone(MADRID).date().isoformat()
    counts = []
    for url in (
        f"/supervisor/insights/personal-touch/?since={since}",
        f"/api/v1/insights/personal-touch?since={since}",
    ):
        with CaptureQueriesContext(connection) as seen:
            assert client.get(url).status_code == 200
        counts.append(len(seen))
    resolved(dental_case(world), now - timedelta(days=20))
    sent(world.case, now - timedelta(days=30), random.Random(3), [world.outsider])  # noqa: S311
    refresh_rollups(now=now, zone=MADRID, limit=None)
    for url, count in zip(
        (
            f"/supervisor/insights/personal-touch/?since={since}",
            f"/api/v1/insights/personal-touch?since={since}",
        ),
        counts,
        strict=True,
    ):
        with CaptureQueriesContext(connection) as seen:
            assert client.get(url).status_code == 200
        assert len(seen) == count
