"""Survey figures and word of mouth for supervisors, hand-counted over a fortnight in Madrid
that crosses the end of summer time (25 October 2026)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from rapport.care.models import Promise, WordOfMouth
from rapport.cases.models import Case
from rapport.insights.survey_results import Recommendations, survey_figures
from rapport.people.actions.customers import create_customer
from rapport.people.models import Customer
from rapport.surveys.actions.referrals import REFERRAL_NOTE
from rapport.surveys.models import Survey
from tests.conftest import World, dental_case
from tests.insights.test_promises_figures import MADRID, SINCE, UNTIL, clinic, utc


def new_case(world: World, customer: Customer | None = None, team: Any = None) -> Case:
    return Case.objects.create(
        customer=customer or world.customer,
        subject="Visit",
        origin_channel="email",
        team=team or world.clinic,
    )


def survey(
    world: World,
    kind: str,
    status: str,
    sent: datetime | None,
    *,
    score: int | None = None,
    called_after: timedelta | None = None,
    case: Case | None = None,
) -> Survey:
    case = case or new_case(world)
    answered = sent + timedelta(hours=8) if sent and status == "answered" else None
    promise = None
    if called_after is not None and answered is not None:
        promise = Promise.objects.create(
            kind="callback",
            customer=case.customer,
            case=case,
            due_at=answered,
            miss_at=answered + timedelta(hours=2),
            purpose="Call back about the survey",
            status="kept",
            kept_at=answered + called_after,
        )
    return Survey.objects.create(
        kind=kind,
        customer=case.customer,
        case=case,
        status=status,
        due_at=sent or utc(10, 21, 9),
        sent_at=sent,
        answered_at=answered,
        score=score,
        follow_up_promise=promise,
    )


@pytest.fixture
def answers(world: World) -> World:
    survey(world, "csat", "answered", utc(10, 20, 10), score=5)
    # Monday 00:30 in Madrid after the clocks went back: the second week.
    survey(world, "csat", "answered", utc(10, 25, 23, 30), score=2, called_after=timedelta(hours=3))
    survey(world, "csat", "expired", utc(10, 27, 9))
    survey(world, "nps", "answered", utc(10, 28, 9), score=10, case=world.case)
    survey(world, "nps", "answered", utc(10, 29, 9), score=3, called_after=timedelta(hours=30),
           case=world.case)  # fmt: skip
    survey(world, "nps", "answered", utc(10, 30, 9), score=8, case=world.case)
    survey(world, "csat", "skipped", None)  # decided on 21 October, never sent
    survey(world, "csat", "answered", utc(10, 10, 9), score=1)  # before the period
    survey(world, "csat", "answered", utc(10, 22, 9), score=1, case=dental_case(world))
    return world


def test_survey_figures_over_the_period(
    answers: World, django_assert_num_queries: pytest.FixtureRequest
) -> None:
    with django_assert_num_queries(4):  # type: ignore[operator]
        found = survey_figures(clinic(answers), since=SINCE, until=UNTIL, zone=MADRID)
    total = found.total
    assert (total.decided, total.sent, total.answered) == (7, 6, 5)
    assert total.csat_percent == 50.0  # one 5 of two answers
    assert total.nps == 0.0  # one promoter, one detractor, one passive
    assert total.response_rate == 83.3  # five answers of six sent
    assert total.coverage == 85.7  # six sent of seven decided
    assert (total.to_call, total.called_back_in_time) == (2, 1)
    assert total.called_back_percent == 50.0
    assert [(w.week, w.results.sent, w.results.answered) for w in found.by_week] == [
        (date(2026, 10, 19), 1, 1),
        (date(2026, 10, 26), 5, 4),
    ]
    assert found.by_week[1].results.csat_percent == 0.0


def test_recommendations_per_relationship_over_time(world: World) -> None:
    luis = create_customer(name="Luis Gil", by=world.agent, owner=world.agent)
    new_case(world, luis)
    loner = create_customer(name="Other team's customer", by=world.outsider)
    new_case(world, loner, team=world.dental)
    maria = world.customer  # her relationship owner is Dr. Ben Hale
    for referrer, day, note in [
        (maria, date(2026, 10, 20), REFERRAL_NOTE),
        (maria, date(2026, 10, 26), ""),
        (luis, date(2026, 11, 1), ""),  # the last Sunday: inside
        (maria, date(2026, 11, 2), ""),  # the day after: outside
        (loner, date(2026, 10, 22), ""),  # no case of the clinic
    ]:
        WordOfMouth.objects.create(referrer=referrer, referred_text="A friend", on=day, note=note)
    found = survey_figures(clinic(world), since=SINCE, until=UNTIL, zone=MADRID)
    assert found.recommendations == Recommendations(3, 1, 2)
    assert found.recommendations.per_relationship == 1.5
    assert found.recommendations.through_link == 1
    assert [(o.owner, o.figures.recommendations) for o in found.recommendations_by_owner] == [
        ("Dr. Ben Hale", 2),
        ("Dr. Ana Ortiz", 1),
    ]
    assert [(w.week, w.figures.recommendations) for w in found.recommendations_by_week] == [
        (date(2026, 10, 19), 1),
        (date(2026, 10, 26), 2),
    ]


def test_no_surveys_no_made_up_figures(world: World) -> None:
    found = survey_figures(clinic(world), since=SINCE, until=UNTIL, zone=MADRID)
    assert found.total.csat_percent is None and found.total.nps is None
    assert found.recommendations.per_relationship is None
