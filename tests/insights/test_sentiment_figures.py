"""Sentiment over time, hand-counted: upset, urgent and compliment messages per week of the desk
in Madrid across the end of summer time, and the most common reasons for upset."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from rapport.cases.models import Case, Message
from rapport.insights.sentiment import Mood, UpsetReason, sentiment
from rapport.triage.models import MessageSignal
from tests.conftest import World, dental_case
from tests.insights.test_promises_figures import MADRID, SINCE, UNTIL, clinic, utc


def said(case: Case, at: datetime, *signals: tuple[str, str]) -> Message:
    message = Message.objects.create(
        case=case, customer=case.customer, direction="in", channel="email", text="…", created_at=at
    )
    for signal, kind in signals:
        MessageSignal.objects.create(message=message, case=case, signal=signal, kind=kind, at=at)
    return message


@pytest.fixture
def moods(world: World) -> World:
    case = world.case
    Message.objects.filter(case=case).delete()  # the fixture's opening message
    said(case, utc(10, 20, 9), ("upset", "anger"), ("upset", "repeated contact"), ("urgent", "x"))
    said(case, utc(10, 21, 9), ("compliment", "praise"))
    said(case, utc(10, 22, 9))
    # Monday 00:30 in Madrid, after the clocks went back: the second week.
    said(case, utc(10, 25, 23, 30), ("upset", "anger"))
    said(case, utc(10, 27, 9), ("upset", "frustration"), ("urgent", "deadline"))
    said(case, utc(10, 28, 9))
    said(case, utc(10, 10, 9), ("upset", "anger"))  # before the period
    said(dental_case(world), utc(10, 20, 9), ("upset", "sarcasm"))  # another team's
    return world


def test_share_of_upset_urgent_and_compliments_per_week(
    moods: World, django_assert_num_queries: pytest.FixtureRequest
) -> None:
    with django_assert_num_queries(3):  # type: ignore[operator]
        found = sentiment(clinic(moods), since=SINCE, until=UNTIL, zone=MADRID)
    assert found.total == Mood(messages=6, upset=3, urgent=2, compliment=1)
    assert (found.total.upset_percent, found.total.compliment_percent) == (50.0, 16.7)
    assert found.total.urgent_percent == 33.3
    assert [reason.share for reason in found.upset_reasons] == [66.7, 33.3, 33.3]
    assert [(w.week, w.mood) for w in found.by_week] == [
        (date(2026, 10, 19), Mood(3, 1, 1, 1)),  # two upset reasons: one upset message
        (date(2026, 10, 26), Mood(3, 2, 1, 0)),
    ]
    assert found.upset_reasons == [
        UpsetReason("anger", 2, 66.7),
        UpsetReason("frustration", 1, 33.3),
        UpsetReason("repeated contact", 1, 33.3),
    ]


def test_a_quiet_period_has_no_shares(world: World) -> None:
    Message.objects.filter(case=world.case).delete()
    found = sentiment(clinic(world), since=SINCE, until=UNTIL, zone=MADRID)
    assert found.total.upset_percent is None
    assert found.upset_reasons == []
