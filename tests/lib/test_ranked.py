"""rapport.lib.ranked: the newest rows of each group, as reading each group alone gives them."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.cases.models import Case, Direction, Message
from rapport.lib.bulk import insert_each
from rapport.lib.ranked import newest_per
from tests.conftest import World

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 3, 8, tzinfo=UTC)


def _messages(world: World, rng: random.Random) -> list[Case]:
    cases = insert_each(
        Case,
        [
            Case(customer=world.customer, subject=f"case {n}", created_at=START, updated_at=START)
            for n in range(6)
        ],
    )
    insert_each(
        Message,
        [
            Message(
                case=rng.choice(cases),
                customer=world.customer,
                direction=rng.choice([Direction.INBOUND, Direction.OUTBOUND]),
                channel="email",
                text=f"message {n} — ça va",
                # Few distinct times, so ties are broken by the second ordering.
                created_at=START + timedelta(minutes=rng.randrange(8)),
            )
            for n in range(120)
        ],
    )
    return cases


def _by_hand(ids: list[int], limit: int) -> list[tuple[object, ...]]:
    """Each case's `limit` newest inbound messages, oldest first, a query a case."""
    rows: list[tuple[object, ...]] = []
    for pk in sorted(ids):
        newest = Message.objects.filter(case_id=pk, direction=Direction.INBOUND).order_by(
            "-created_at", "-pk"
        )[:limit]
        rows += reversed(newest.values_list("case_id", "pk", "text", "created_at"))
    return rows


@pytest.mark.parametrize("limit", [1, 3, 50])
def test_the_rows_and_their_order_are_the_orms(world: World, limit: int) -> None:
    cases = _messages(world, random.Random(limit))  # noqa: S311 - test data
    ids = [case.pk for case in cases[:4]]
    rows = list(
        newest_per(
            Message.objects.filter(case_id__in=ids, direction=Direction.INBOUND),
            partition="case_id",
            order=["-created_at", "-pk"],
            limit=limit,
            oldest_first=True,
        ).values_list("case_id", "pk", "text", "created_at")
    )
    assert rows == _by_hand(ids, limit)
    assert rows  # some rows were read
    assert all(at.tzinfo is not None for *_, at in rows)  # read back as aware datetimes


def test_newest_first_and_the_other_lookups(world: World) -> None:
    cases = _messages(world, random.Random(9))  # noqa: S311 - test data
    since = START + timedelta(minutes=4)
    rows = list(
        newest_per(
            Message.objects.filter(
                case_id__in=[case.pk for case in cases], created_at__gte=since, author__isnull=True
            ),
            partition="case_id",
            order=["-created_at", "-pk"],
            limit=2,
        ).values_list("case_id", "created_at")
    )
    expected = []
    for case in sorted(cases, key=lambda case: case.pk):
        mine = Message.objects.filter(case=case, created_at__gte=since, author__isnull=True)
        expected += [
            (case.pk, at)
            for at in mine.order_by("-created_at", "-pk").values_list("created_at", flat=True)[:2]
        ]
    assert rows == expected


def test_an_empty_list_reads_nothing(world: World) -> None:
    with CaptureQueriesContext(connection) as queries:
        rows = list(
            newest_per(
                Message.objects.filter(case_id__in=[]),
                partition="case_id",
                order=["-created_at"],
                limit=3,
            ).values_list("case_id")
        )
    assert rows == []
    assert queries.captured_queries == []
