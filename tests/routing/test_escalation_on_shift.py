"""Escalation pages only people who are working, and tells each the deadline on their own
clock: nobody off shift is woken by a case they cannot take."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from rapport.cases.models import Case, CaseEvent, Notification
from rapport.lib.hours import DAY_KEYS
from rapport.people.models import Agent
from rapport.routing.actions.opening import open_case
from rapport.routing.escalation import sweep
from tests.conftest import World

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
NIGHTS = {day: [["20:00", "06:00"]] for day in DAY_KEYS}
DAYS = {day: [["08:00", "18:00"]] for day in DAY_KEYS}


def _hours(agent: Agent, hours: dict[str, list[list[str]]], zone: str = "UTC") -> None:
    Agent.objects.filter(pk=agent.pk).update(working_hours=hours, timezone=zone)


def _case(world: World) -> Case:
    with time_machine.travel(MONDAY_9, tick=False):
        return open_case(
            customer=world.customer,
            subject="",
            channel="email",
            text="Hi",
            by=world.colleague,
            owner=world.colleague,
            team=world.clinic,
        )


def test_an_off_shift_deputy_and_supervisor_are_not_paged(world: World) -> None:
    _hours(world.colleague, DAYS)
    _hours(world.agent, NIGHTS)  # the deputy works nights
    _hours(world.supervisor, NIGHTS)
    case = _case(world)
    late = MONDAY_9 + timedelta(hours=5)  # 14:00: days are on, nights are off
    assert sweep(now=late).breached == [case.pk]
    assert not Notification.objects.filter(agent=world.agent).exists()
    assert not Notification.objects.filter(agent=world.supervisor).exists()
    event = CaseEvent.objects.get(case=case, kind="sla_breached")
    assert event.after["offered_to"] == [] and event.after["supervisors"] == []


def test_the_team_on_shift_is_offered_the_case_when_the_deputy_is_off(world: World) -> None:
    _hours(world.agent, NIGHTS)
    _case(world)
    night = MONDAY_9 + timedelta(hours=13)  # 22:00: the deputy is on now
    sweep(now=night)
    offers = Notification.objects.filter(kind="sla_offer")
    assert [n.agent_id for n in offers] == [world.agent.pk]
    assert Notification.objects.filter(kind="sla_breached", agent=world.supervisor).count() == 1


def test_an_off_shift_owner_is_not_warned_the_deputy_on_shift_is(world: World) -> None:
    _hours(world.colleague, NIGHTS)  # the owner works nights; it is morning
    _hours(world.agent, DAYS, zone="Europe/Madrid")
    case = _case(world)
    assert case.next_response_due_at == MONDAY_9 + timedelta(hours=4)
    sweep(now=MONDAY_9 + timedelta(hours=3, minutes=40))
    [note] = Notification.objects.filter(kind="sla_at_risk")
    assert note.agent_id == world.agent.pk
    # 13:00 UTC is 14:00 in Madrid: the deadline on the reader's clock, with its zone.
    assert "by 14:00 Europe/Madrid (Dr. Ben Hale is off shift)." in note.text


def test_the_owner_is_told_the_deadline_in_their_own_zone(world: World) -> None:
    _hours(world.colleague, {}, zone="America/Toronto")  # around the clock, in Toronto
    _case(world)
    sweep(now=MONDAY_9 + timedelta(hours=3, minutes=40))
    [note] = Notification.objects.filter(kind="sla_at_risk")
    assert note.agent_id == world.colleague.pk
    assert note.text.endswith("by 08:00 America/Toronto.")  # 13:00 UTC, EST
