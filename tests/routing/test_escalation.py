from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from rapport.cases.models import Case, CaseEvent, Notification
from rapport.jobs.models import DeferredItem
from rapport.people.models import Agent, Availability
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


def test_a_case_that_fails_to_warn_is_put_off_and_the_others_are_warned(world: World) -> None:
    poisoned, fine = new_email_case(world), new_email_case(world)
    owner = poisoned.owner
    assert owner is not None
    other = world.agent if owner != world.agent else world.colleague
    Case.objects.filter(pk=fine.pk).update(owner=other)
    # The owner's zone is one the tz database no longer has: warning that case raises.
    Agent.objects.filter(pk=owner.pk).update(timezone="Atlantis/Poseidonia")
    risky = START + timedelta(hours=3, minutes=40)
    result = sweep(now=risky)
    assert (result.warned, result.deferred) == ([fine.pk], [poisoned.pk])
    assert Case.objects.get(pk=poisoned.pk).sla_warned_at is None  # rolled back, not lost
    held = DeferredItem.objects.get(sweep="sla_warning", item=poisoned.pk)
    assert held.retry_at == risky + timedelta(minutes=1)
    assert sweep(now=risky + timedelta(seconds=30)).deferred == []  # not every tick

    Agent.objects.filter(pk=owner.pk).update(timezone="Europe/Madrid")
    again = sweep(now=risky + timedelta(minutes=1))
    assert (again.warned, again.deferred) == ([poisoned.pk], [])
    assert not DeferredItem.objects.exists()
