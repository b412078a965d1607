"""The contact page says honestly whether a person can answer now, how long a chat would wait
(from the live queue and who is on shift, never a made-up figure), when people are next in,
and offers the chat only when someone can answer."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from rapport.cases.actions.messages import reply
from rapport.cases.models import Case
from rapport.lib.hours import DAY_KEYS
from rapport.people.actions.agents import create_agent
from rapport.people.models import Agent, Brand, Team
from tests.chat.conftest import Visitor
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db

SUNDAY_NOON = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
MONDAY_TEN = datetime(2027, 1, 11, 10, 0, tzinfo=UTC)
WEEKDAYS = {day: [["09:00", "17:00"]] for day in DAY_KEYS[:5]}
ALL_DAY = {day: [["00:00", "24:00"]] for day in DAY_KEYS}


@pytest.fixture
def brands(world: World) -> tuple[Brand, Brand]:
    """The clinic (Ana and Ben, around the clock) and Ledgerly (Priya, weekdays in Madrid)."""
    clinic = Brand.objects.create(name="Night Clinic", slug="night-clinic")
    software = Brand.objects.create(name="Ledgerly", slug="ledgerly", phone="+34 911 000 222")
    Team.objects.filter(pk=world.clinic.pk).update(brand=clinic)
    support = Team.objects.create(name="Ledgerly Support", slug="ledgerly", brand=software)
    priya = create_agent(
        username="priya",
        display_name="Priya Shah",
        password=PASSWORD,
        site=world.night_site,
        timezone_name="Europe/Madrid",
    )
    support.members.add(priya)
    Agent.objects.filter(pk=priya.pk).update(working_hours=WEEKDAYS)
    Agent.objects.filter(pk__in=[world.agent.pk, world.colleague.pk]).update(working_hours=ALL_DAY)
    return clinic, software


def _reach(slug: str) -> str:
    response = Client().get(f"/contact/{slug}/")
    assert response.status_code == 200
    found = re.search(
        r'<div class="reach[^"]*" id="reach-now">(.*?)</div>', response.content.decode(), re.S
    )
    assert found is not None
    return found.group(1)


def test_someone_free_offers_the_chat_without_a_figure_when_there_is_no_basis(
    brands: tuple[Brand, Brand],
) -> None:
    with time_machine.travel(SUNDAY_NOON, tick=False):
        reach = _reach("night-clinic")
    assert "A person can answer a chat now: 2 people are free." in reach
    assert 'id="chat-now" href="/chat/?brand=night-clinic"' in reach
    assert "expected-wait" not in reach  # no answered chat yet: no figure at all
    assert "no chat was answered in the last 14 days" in reach
    assert "Nobody is waiting ahead of you." in reach


def test_the_wait_is_the_median_first_reply_times_the_rounds_of_the_queue(
    world: World, brands: tuple[Brand, Brand]
) -> None:
    with time_machine.travel(SUNDAY_NOON, tick=False) as clock:
        started = Visitor().start("Earlier question", brand="night-clinic").json()
        clock.shift(timedelta(minutes=4))
        reply(case=Case.objects.get(pk=started["case_id"]), text="Hello", by=world.agent)
        # Median 240 s; nobody waiting, two free: one round.
        assert "<b>about 4 minutes</b>" in _reach("night-clinic")
        for text in ("B", "C"):
            Visitor().start(text, brand="night-clinic")
        # Two waiting ahead, two free: a newcomer is third, two rounds of 4 minutes.
        reach = _reach("night-clinic")
        assert "<b>about 8 minutes</b>" in reach
        assert "2 chats are waiting for a first answer." in reach


def test_nobody_on_shift_says_so_hides_the_chat_and_says_when_people_are_next_in(
    brands: tuple[Brand, Brand],
) -> None:
    with time_machine.travel(SUNDAY_NOON, tick=False):
        reach = _reach("ledgerly")
    assert "Nobody can answer right now: nobody is on shift." in reach
    assert "chat-now" not in reach and "Chat opens when someone is free." in reach
    # Priya starts Monday 09:00 in Madrid (08:00 UTC), shown in the site's zone, named.
    assert 'datetime="2027-01-11T08:00:00+00:00"' in reach
    assert "Mon 11 Jan 09:00 (Europe/Madrid)" in reach
    with time_machine.travel(MONDAY_TEN, tick=False):
        assert "chat-now" in _reach("ledgerly")


def test_everyone_at_their_chat_capacity_is_busy_not_absent(
    world: World, brands: tuple[Brand, Brand]
) -> None:
    Agent.objects.filter(pk__in=[world.agent.pk, world.colleague.pk]).update(chat_capacity=1)
    with time_machine.travel(SUNDAY_NOON, tick=False):
        Visitor().start("First", brand="night-clinic")
        Visitor().start("Second", brand="night-clinic")
        reach = _reach("night-clinic")
    assert "everyone on shift is helping someone" in reach
    assert "2 chats are waiting for a first answer." in reach
    assert "chat-now" not in reach


def test_an_away_agent_is_not_counted_as_free(world: World, brands: tuple[Brand, Brand]) -> None:
    Agent.objects.filter(pk__in=[world.agent.pk, world.colleague.pk]).update(availability="away")
    with time_machine.travel(SUNDAY_NOON, tick=False):
        reach = _reach("night-clinic")
    assert "nobody is on shift" in reach and "No one is scheduled to come in yet." in reach
