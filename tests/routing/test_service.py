from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from rapport.cases.actions.messages import reply
from rapport.cases.models import CaseEvent
from rapport.people.models import Availability
from rapport.routing.actions.opening import open_case
from rapport.routing.core import Candidate
from rapport.routing.models import Closure
from rapport.routing.service import load_candidates
from tests.conftest import World

MONDAY_10_MADRID = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
WEEKDAYS = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def customer_writes(world: World, text: str = "Mila is coughing again") -> int:
    case = open_case(customer=world.customer, subject="", channel="email", text=text, by=None)
    assert case.owner_id is not None, "every case has a named owner after intake"
    return case.owner_id


def test_relationship_owner_gets_the_case(world: World) -> None:
    assert customer_writes(world) == world.colleague.pk
    event = CaseEvent.objects.filter(kind="opened").latest("pk")
    assert event.after["rule"] == "relationship_owner"
    assert "knows this customer" in event.reason


def test_deputy_when_owner_is_away(world: World) -> None:
    world.colleague.availability = Availability.AWAY
    world.colleague.save(update_fields=["availability"])
    assert customer_writes(world) == world.agent.pk
    assert "while Dr. Ben Hale is off" in CaseEvent.objects.latest("pk").reason


@time_machine.travel(MONDAY_10_MADRID, tick=False)
def test_site_holiday_takes_owner_and_deputy_off_shift(world: World) -> None:
    for agent in (world.agent, world.colleague):
        agent.working_hours = WEEKDAYS
        agent.timezone = "Europe/Madrid"
        agent.site = world.night_site
        agent.save(update_fields=["working_hours", "timezone", "site"])
    Closure.objects.create(site=world.night_site, day=MONDAY_10_MADRID.date(), reason="Flood")
    owner = customer_writes(world)
    assert owner not in (world.agent.pk, world.colleague.pk)


def test_last_helper_when_owner_and_deputy_are_away(world: World) -> None:
    reply(case=world.case, text="Let's check on Mila tomorrow.", by=world.supervisor)
    for agent in (world.agent, world.colleague):
        agent.availability = Availability.OFF
        agent.save(update_fields=["availability"])
    assert customer_writes(world) == world.supervisor.pk


@time_machine.travel(MONDAY_10_MADRID, tick=False)
def test_candidates_follow_changed_hours_closures_and_teams(world: World) -> None:
    colleague = world.colleague
    colleague.working_hours = WEEKDAYS
    colleague.timezone = "Europe/Madrid"
    colleague.site = world.night_site
    colleague.skills = ["Billing", "spanish"]
    colleague.save(update_fields=["working_hours", "timezone", "site", "skills"])

    def candidate() -> Candidate:
        by_id = {c.agent_id: c for c in load_candidates(now=MONDAY_10_MADRID)}
        return by_id[colleague.pk]

    first = candidate()
    assert first.on_shift(MONDAY_10_MADRID)
    assert first.skills == {"billing", "spanish"}
    assert first.team_ids == {world.clinic.pk}
    assert first.name == colleague.display_name
    assert candidate().calendar is first.calendar  # unchanged inputs reuse the calendar

    # The next decision sees an edit at once: no cache outlives a change to the schedule.
    colleague.working_hours = {"sat": [["09:00", "17:00"]]}
    colleague.save(update_fields=["working_hours"])
    assert not candidate().on_shift(MONDAY_10_MADRID)
    colleague.working_hours = WEEKDAYS
    colleague.save(update_fields=["working_hours"])
    assert candidate().on_shift(MONDAY_10_MADRID)
    Closure.objects.create(site=world.night_site, day=MONDAY_10_MADRID.date(), reason="Flood")
    assert not candidate().on_shift(MONDAY_10_MADRID)
    world.dental.members.add(colleague)
    colleague.availability = Availability.OFF
    colleague.save(update_fields=["availability"])
    latest = candidate()
    assert latest.team_ids == {world.clinic.pk, world.dental.pk}
    assert not latest.available
