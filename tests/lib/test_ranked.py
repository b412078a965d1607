"""rapport.lib.ranked: the newest rows of each group, as the ORM's window query reads them."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import F, Window
from django.db.models.functions import RowNumber
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


def _orm(ids: list[int], limit: int) -> list[tuple[object, ...]]:
    newest_first = Window(
        RowNumber(), partition_by=F("case_id"), order_by=(F("created_at").desc(), F("pk").desc())
    )
    return list(
        Message.objects.filter(case_id__in=ids, direction=Direction.INBOUND)
        .annotate(rank=newest_first)
        .filter(rank__lte=limit)
        .order_by("case_id", "created_at", "pk")
        .values_list("case_id", "pk", "text", "created_at")
    )


@pytest.mark.parametrize("limit", [1, 3, 50])
def test_the_rows_and_their_order_are_the_orms(world: World, limit: int) -> None:
    cases = _messages(world, random.Random(limit))  # noqa: S311 - test data
    ids = [case.pk for case in cases[:4]]
    with CaptureQueriesContext(connection) as queries:
        rows = newest_per(
            Message,
            partition="case_id",
            order=["-created_at", "-pk"],
            limit=limit,
            columns=["case_id", "pk", "text", "created_at"],
            where={"case_id__in": ids, "direction": Direction.INBOUND},
            oldest_first=True,
        )
    assert len(queries.captured_queries) == 1  # the rows read are not read again
    assert rows == _orm(ids, limit)
    assert rows  # some rows were read
    assert all(at.tzinfo is not None for *_, at in rows)  # read back as aware datetimes


def test_newest_first_and_the_other_lookups(world: World) -> None:
    cases = _messages(world, random.Random(9))  # noqa: S311 - test data
    since = START + timedelta(minutes=4)
    rows = newest_per(
        Message,
        partition="case_id",
        order=["-created_at", "-pk"],
        limit=2,
        columns=["case_id", "created_at"],
        where={
            "case_id__in": [case.pk for case in cases],
            "created_at__gte": since,
            "author__isnull": True,
        },
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
        rows = newest_per(
            Message,
            partition="case_id",
            order=["-created_at"],
            limit=3,
            columns=["case_id"],
            where={"case_id__in": []},
        )
    assert rows == []
    assert queries.captured_queries == []


def test_an_unknown_lookup_or_field_is_refused(world: World) -> None:
    with pytest.raises(ValueError, match="Unsupported lookup"):
        newest_per(
            Message, partition="case_id", order=["pk"], limit=1, columns=["pk"],
            where={"text__contains": "x"},
        )  # fmt: skip
    with pytest.raises(Exception, match="no field named"):
        newest_per(
            Message, partition="case_id", order=["pk"], limit=1, columns=["nonsense"], where={}
        )
