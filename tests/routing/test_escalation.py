from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from rapport.cases.models import Case, CaseEvent, Notification
from rapport.people.models import Availability
from rapport.routing.actions.opening import open_case
from rapport.routing.escalation import sweep
from rapport.routing.service import customer_notice
from tests.conftest import World

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def new_email_case(world: World) -> Case:
    with time_machine.travel(START, tick=False):
        return open_case(customer=world.customer, subject="", channel="email", text="Hi", by=None)


def test_owner_warned_once_before_the_deadline(world: World) -> None:
    case = new_email_case(world)  # due at 13:00 (four hours, around the clock by default)
    quiet = sweep(now=START + timedelta(hours=1))
    assert quiet.warned == [] and quiet.breached == []
    risky = START + timedelta(hours=3, minutes=40)
    assert sweep(now=risky).warned == [case.pk]
    assert sweep(now=risky + timedelta(minutes=1)).warned == []  # once only
    note = Notification.objects.get(kind="sla_at_risk")
    assert note.agent_id == case.owner_id and "Maria is waiting" in note.text


def test_breach_offers_to_deputy_and_alerts_supervisor_once(world: World) -> None:
    case = new_email_case(world)
    late = START + timedelta(hours=5)
    assert sweep(now=late).breached == [case.pk]
    assert sweep(now=late).breached == []
    offers = Notification.objects.filter(kind="sla_offer")
    assert [n.agent_id for n in offers] == [world.agent.pk]  # the customer's deputy
    assert Notification.objects.filter(kind="sla_breached", agent=world.supervisor).count() == 1
    assert CaseEvent.objects.filter(case=case, kind="sla_breached").count() == 1


def test_case_returns_to_the_owner_when_they_are_back(world: World) -> None:
    world.colleague.availability = Availability.AWAY
    world.colleague.save(update_fields=["availability"])
    case = new_email_case(world)
    assert case.owner_id == world.agent.pk and case.return_to_id == world.colleague.pk
    notice = "Dr. Ben Hale is away; Dr. Ana Ortiz has your file."
    assert customer_notice(case, now=START) == notice
    world.colleague.away_until = START + timedelta(days=2)  # back on Wednesday
    world.colleague.save(update_fields=["away_until"])
    case.refresh_from_db()
    assert customer_notice(case, now=START).startswith("Dr. Ben Hale is off until Wednesday;")
    world.colleague.away_until = None
    assert sweep(now=START).returned == []
    world.colleague.availability = Availability.AVAILABLE
    world.colleague.save(update_fields=["availability", "away_until"])
    assert sweep(now=START + timedelta(minutes=5)).returned == [case.pk]
    case.refresh_from_db()
    assert case.owner_id == world.colleague.pk and case.return_to_id is None
