"""Promises kept, hand-counted: a fortnight in Madrid across the end of summer time
(Sunday 25 October 2026: 03:00 CEST became 02:00 CET)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import QuerySet

from rapport.care.models import Promise, PromiseKind, PromiseStatus
from rapport.cases.models import Case
from rapport.insights.promises import Kept, promises
from rapport.outreach.models import Incident, OutreachStatus, OutreachTask
from rapport.people.models import Agent, Customer
from tests.conftest import World, dental_case

MADRID = ZoneInfo("Europe/Madrid")
SINCE = datetime(2026, 10, 19, tzinfo=MADRID)  # Monday, CEST
UNTIL = datetime(2026, 11, 2, tzinfo=MADRID)  # Monday, CET
NOW = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def promise(
    case: Case,
    kind: str,
    due: datetime,
    *,
    owner: Agent | None,
    status: str = PromiseStatus.OPEN,
    late: bool = False,
    miss_after: timedelta = timedelta(hours=2),
) -> Promise:
    return Promise.objects.create(
        kind=kind,
        customer=case.customer,
        case=case,
        owner=owner,
        due_at=due,
        miss_at=due + miss_after,
        purpose="Check on Mila",
        status=status,
        late=late,
        kept_at=due if status == PromiseStatus.KEPT else None,
    )


def clinic(world: World) -> QuerySet[Case]:
    return Case.objects.filter(team=world.clinic)


@pytest.fixture
def fortnight(world: World) -> World:
    case, ana, ben = world.case, world.agent, world.colleague
    promise(case, "follow_up", utc(10, 20, 10), owner=ana, status="kept")
    # Monday 00:30 in Madrid, Sunday 23:30 UTC: the second week, not the first.
    promise(case, "follow_up", utc(10, 25, 23, 30), owner=ana, status="missed")
    promise(case, "callback", utc(10, 27, 9), owner=ben, status="kept", late=True)
    promise(case, "callback", utc(10, 28, 9), owner=ben, status="cancelled")
    # Due at 23:30 on the last Sunday (CET): inside; its miss time is after now: pending.
    promise(case, "referral", utc(11, 1, 22, 30), owner=None, miss_after=timedelta(days=5))
    # 23:00 on Sunday 18 October in Madrid: before the period.
    promise(case, "follow_up", utc(10, 18, 21), owner=ana, status="kept")
    # Another team's case: not in the cases looked at.
    promise(dental_case(world), "follow_up", utc(10, 21, 9), owner=ana, status="kept")
    return world


def test_promises_counted_by_kind_owner_and_week(
    fortnight: World, django_assert_num_queries: pytest.FixtureRequest
) -> None:
    with django_assert_num_queries(6):  # type: ignore[operator]
        found = promises(clinic(fortnight), since=SINCE, until=UNTIL, zone=MADRID, now=NOW)
    assert found.total == Kept(due=5, on_time=1, late=1, unkept=1, pending=1, cancelled=1)
    assert found.total.on_time_percent == 33.3
    kinds = {row.kind: row.kept for row in found.by_kind}
    assert list(kinds) == ["follow_up", "callback", "referral", "appointment"]
    assert kinds["follow_up"] == Kept(2, 1, 0, 1, 0, 0)
    assert kinds["follow_up"].on_time_percent == 50.0
    assert kinds["callback"] == Kept(2, 0, 1, 0, 0, 1)
    assert kinds["callback"].on_time_percent == 0.0
    assert kinds["referral"] == Kept(1, 0, 0, 0, 1, 0)
    assert kinds["referral"].on_time_percent is None  # nothing settled: no figure
    assert kinds["appointment"] == Kept(0, 0, 0, 0, 0, 0)
    assert [(w.week, w.kept.due, w.kept.on_time) for w in found.by_week] == [
        (date(2026, 10, 19), 1, 1),
        (date(2026, 10, 26), 4, 0),
    ]
    assert [(o.owner, o.kept.due, o.kept.on_time_percent) for o in found.by_owner] == [
        ("Dr. Ana Ortiz", 2, 50.0),
        ("Dr. Ben Hale", 2, 0.0),
        ("Nobody", 1, None),
    ]


def test_incident_outreach_done(world: World) -> None:
    storm = Incident.objects.create(title="Storm closed the clinic", message_draft="Hi {name}")
    statuses = [
        (OutreachStatus.REACHED, utc(10, 20, 9)),
        (OutreachStatus.FAILED, utc(10, 21, 9)),
        (OutreachStatus.NOT_YET, utc(10, 30, 9)),
        (OutreachStatus.ATTEMPTED, utc(10, 10, 9)),  # opened before the period
    ]
    for status, created in statuses:
        case = Case.objects.create(
            customer=world.customer, subject="Storm", origin_channel="phone", team=world.clinic
        )
        OutreachTask.objects.create(
            incident=storm,
            customer=world.customer if status == OutreachStatus.REACHED else _other(world, case),
            case=case,
            owner=world.agent,
            contact="phone",
            status=status,
            created_at=created,
        )
    found = promises(clinic(world), since=SINCE, until=UNTIL, zone=MADRID, now=NOW)
    assert (found.outreach.tasks, found.outreach.reached, found.outreach.gave_up) == (3, 1, 1)
    assert found.outreach.not_yet == 1 and found.outreach.trying == 0
    assert found.outreach.reached_percent == 33.3
    assert found.outreach.done_percent == 66.7
    assert [(r.title, r.outreach.tasks) for r in found.by_incident] == [
        ("Storm closed the clinic", 3)
    ]


def _other(world: World, case: Case) -> Customer:
    """One task per customer and incident: each task's own customer, its case's."""
    customer = Customer.objects.create(name=f"Neighbour {case.pk}")
    Case.objects.filter(pk=case.pk).update(customer=customer)
    return customer


def test_nothing_due_gives_no_figures(world: World) -> None:
    found = promises(clinic(world), since=SINCE, until=UNTIL, zone=MADRID, now=NOW)
    assert found.total.on_time_percent is None
    assert found.outreach.done_percent is None
    assert [w.kept.due for w in found.by_week] == [0, 0]
    assert found.by_owner == []
    assert PromiseKind.CALLBACK in [row.kind for row in found.by_kind]
