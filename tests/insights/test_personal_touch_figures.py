"""Personal touch, hand-counted: who wrote the replies, who signed them, who kept a case from
start to end, and how many calls a case took."""

from __future__ import annotations

from datetime import datetime

import pytest

from rapport.cases.models import Call, Case, CaseEvent, Message
from rapport.insights.personal_touch import Replies, personal_touch
from rapport.people.models import Agent
from tests.conftest import World, dental_case
from tests.insights.test_promises_figures import SINCE, UNTIL, clinic, utc


def written(
    case: Case,
    by: Agent | None,
    at: datetime,
    *,
    channel: str = "email",
    unchanged: bool | None = None,
    direction: str = "out",
) -> None:
    Message.objects.create(
        case=case,
        customer=case.customer,
        direction=direction,
        channel=channel,
        author=by,
        text="Mila is doing well",
        sent_unchanged=unchanged,
        created_at=at,
    )


def test_replies_by_hand_saved_and_automatic(
    world: World, django_assert_num_queries: pytest.FixtureRequest
) -> None:
    case, ana, ben = world.case, world.agent, world.colleague
    Message.objects.filter(case=case).delete()  # the opening note of the fixture
    written(case, ana, utc(10, 20, 9))
    written(case, ana, utc(10, 21, 9), unchanged=False)
    written(case, ben, utc(10, 22, 9), unchanged=True)
    written(case, None, utc(10, 23, 9))  # an acknowledgment
    written(case, ben, utc(10, 24, 9), channel="chat")
    written(case, ana, utc(10, 10, 9))  # before the period
    written(dental_case(world), world.outsider, utc(10, 20, 9))
    written(case, None, utc(10, 20, 9), direction="in")
    # replies per author, the resolved cases' owners, their calls
    with django_assert_num_queries(3):  # type: ignore[operator]
        found = personal_touch(clinic(world), since=SINCE, until=UNTIL)
    assert found.replies == Replies(
        replies=5, by_hand=2, saved_edited=1, saved_unchanged=1, automatic=1, chat_by_person=1
    )
    assert (found.replies.by_person, found.replies.signed) == (4, 3)
    assert (found.replies.saved_edited, found.replies.saved_unchanged) == (1, 1)
    assert found.replies.by_hand_percent == 40.0
    assert found.replies.signed_percent == 60.0
    assert [(a.agent, a.replies.replies, a.replies.by_hand) for a in found.by_author] == [
        ("Dr. Ana Ortiz", 2, 1),
        ("Dr. Ben Hale", 2, 1),
    ]


def resolved(world: World, owner: Agent | None, *, calls: int, at: datetime) -> Case:
    case = Case.objects.create(
        customer=world.customer,
        subject="Visit",
        origin_channel="phone",
        team=world.clinic,
        owner=owner,
        status="resolved",
        resolved_at=at,
    )
    for _ in range(calls):
        Call.objects.create(
            case=case, customer=world.customer, agent=owner, direction="outbound", outcome="reached"
        )
    return case


def handed(case: Case, before: Agent | None, after: Agent, *, team_move: bool = False) -> None:
    CaseEvent.objects.create(
        case=case,
        kind="assigned",
        before={"owner": before.pk if before else None, "team": 1},
        after={"owner": after.pk, "team": 2 if team_move else 1},
    )


def test_one_owner_from_start_to_end_and_calls_per_case(world: World) -> None:
    ana, ben = world.agent, world.colleague
    resolved(world, ana, calls=0, at=utc(10, 20, 9))
    handed(resolved(world, ben, calls=1, at=utc(10, 21, 9)), None, ben)  # first owner, later
    handed(resolved(world, ben, calls=2, at=utc(10, 22, 9)), ana, ben)  # changed hands
    handed(resolved(world, ana, calls=3, at=utc(10, 23, 9)), ana, ana, team_move=True)
    resolved(world, None, calls=0, at=utc(10, 24, 9))
    resolved(world, ana, calls=5, at=utc(10, 10, 9))  # before the period
    dental = dental_case(world)
    Case.objects.filter(pk=dental.pk).update(status="resolved", resolved_at=utc(10, 20, 9))
    owned = personal_touch(clinic(world), since=SINCE, until=UNTIL).ownership
    assert (owned.resolved, owned.one_owner, owned.changed_hands, owned.no_owner) == (5, 3, 1, 1)
    assert owned.one_owner_percent == 60.0
    assert (owned.calls, owned.average_calls) == (6, 1.2)
    assert owned.calls_per_case == {"0": 2, "1": 1, "2": 1, "3+": 1}
