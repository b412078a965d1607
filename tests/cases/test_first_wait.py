"""`Case.first_wait` (first_response_at - created_at, what insights rank and count) is written
by every action that records a case's first human response, and filled for older cases by
migration cases/0032."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import time_machine
from django.apps import apps as registry
from django.db import connection
from django.db.models import F

from rapport.cases.actions.merging import merge_cases
from rapport.cases.actions.messages import log_call, reply
from rapport.cases.models import Case
from rapport.routing.actions.opening import open_case
from rapport.social.actions.ingest import IncomingPost, ingest_post
from rapport.social.actions.responses import record_response
from tests.conftest import World

T0 = datetime(2026, 3, 29, 0, 30, 0, 250_000, tzinfo=UTC)  # the night Europe's clocks change


def _opened(world: World, at: datetime = T0) -> Case:
    with time_machine.travel(at, tick=False):
        return open_case(customer=world.customer, subject="", channel="email", text="Hi", by=None)


def _wait(case: Case) -> timedelta | None:
    case.refresh_from_db()
    return case.first_wait


def test_a_reply_stores_the_wait_to_the_microsecond_and_a_later_one_keeps_it(
    world: World,
) -> None:
    case = _opened(world)
    assert _wait(case) is None
    with time_machine.travel(T0 + timedelta(hours=2, microseconds=500_001), tick=False):
        reply(case=case, text="Hello Maria, Ben here.", by=world.colleague)
    assert _wait(case) == timedelta(hours=2, microseconds=500_001)
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        reply(case=case, text="And one more thing.", by=world.agent)
    assert _wait(case) == timedelta(hours=2, microseconds=500_001)


def test_a_call_that_reached_them_stores_the_wait_one_that_did_not_does_not(
    world: World,
) -> None:
    case = _opened(world)
    with time_machine.travel(T0 + timedelta(minutes=3), tick=False):
        log_call(case=case, by=world.colleague, direction="outbound", outcome="no_answer")
    assert _wait(case) is None
    with time_machine.travel(T0 + timedelta(minutes=9), tick=False):
        log_call(case=case, by=world.colleague, direction="outbound", outcome="reached")
    assert _wait(case) == timedelta(minutes=9)


def test_a_public_response_recorded_afterwards_stores_the_wait_to_when_it_was_made(
    world: World,
) -> None:
    post = IncomingPost(
        platform="bluesky",
        post_id="at://did:plc:x/app.bsky.feed.post/7",
        author_handle="maria.bsky.social",
        author_name="Maria",
        text="My booking vanished from the app.",
        url="https://bsky.app/profile/maria.bsky.social/post/7",
        posted_at=T0,
    )
    with time_machine.travel(T0, tick=False):
        case = ingest_post(post=post, source="webhook").case
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        record_response(
            case=case,
            kind="public_reply",
            by=world.agent,
            url="https://bsky.app/profile/clinic/post/8",
            at=T0 + timedelta(minutes=20),
        )
    assert _wait(case) == timedelta(minutes=20)


def test_a_merge_gives_an_unanswered_case_the_wait_from_its_own_arrival(world: World) -> None:
    answered = _opened(world)
    with time_machine.travel(T0 + timedelta(minutes=30), tick=False):
        reply(case=answered, text="Hello Maria, Ben here.", by=world.colleague)
    later = _opened(world, T0 + timedelta(minutes=10))
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        merge_cases(source=answered, target=later, by=world.supervisor)
    assert _wait(later) == timedelta(minutes=20)


def test_the_migration_fills_the_wait_of_cases_answered_before_it_existed(world: World) -> None:
    cases = [_opened(world, T0 + timedelta(minutes=i)) for i in range(3)]
    for i, case in enumerate(cases[:2]):
        with time_machine.travel(T0 + timedelta(minutes=10 * (i + 1), microseconds=7), tick=False):
            reply(case=case, text="Hello Maria, Ben here.", by=world.colleague)
    Case.objects.update(first_wait=None)  # as a desk had them before cases/0032
    fill = importlib.import_module("rapport.cases.migrations.0032_fill_first_wait").fill
    fill(registry, SimpleNamespace(connection=connection))  # what migrate passes it
    assert [_wait(case) for case in cases] == [
        timedelta(minutes=10, microseconds=7),
        timedelta(minutes=19, microseconds=7),
        None,
    ]
    assert not Case.objects.exclude(first_wait=F("first_response_at") - F("created_at")).filter(
        first_response_at__isnull=False
    )


def test_a_merge_of_a_case_answered_before_the_other_arrived_is_no_negative_wait(
    world: World,
) -> None:
    """The source was answered before the target came in: the target's customer already had a
    person, so it waited nothing (a negative wait read as -5 minutes live and as half a second
    from the days kept per day, bucketed from 0)."""
    answered = _opened(world)
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        reply(case=answered, text="Hello Maria, Ben here.", by=world.colleague)
    later = _opened(world, T0 + timedelta(minutes=10))
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        merge_cases(source=answered, target=later, by=world.supervisor)
    assert _wait(later) == timedelta(0)
    assert later.first_response_at == later.created_at
