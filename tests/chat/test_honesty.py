"""Can a person answer now, the wait and the queue position: from the live queue and who is on
shift, null without a basis (docs/chat.md, "Can a person answer now")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from rapport.cases.actions.messages import reply
from rapport.cases.models import Case
from rapport.chat.honesty import queue_words
from rapport.chat.models import Conversation
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
AVAILABILITY = "/chat/api/availability"


@pytest.fixture
def brands(world: World) -> tuple[Brand, Brand]:
    """The clinic (Ana and Ben, around the clock) and Ledgerly (Priya, weekdays)."""
    clinic = Brand.objects.create(name="Night Clinic", slug="night-clinic")
    software = Brand.objects.create(name="Ledgerly", slug="ledgerly")
    Team.objects.filter(pk=world.clinic.pk).update(brand=clinic)
    support = Team.objects.create(name="Ledgerly Support", slug="ledgerly", brand=software)
    priya = create_agent(username="priya", display_name="Priya Shah", password=PASSWORD)
    support.members.add(priya)
    Agent.objects.filter(pk=priya.pk).update(working_hours=WEEKDAYS)
    Agent.objects.filter(pk__in=[world.agent.pk, world.colleague.pk]).update(working_hours=ALL_DAY)
    return clinic, software


def _available(slug: str) -> object:
    response = Client().get(AVAILABILITY, {"brand": slug})
    assert response.status_code == 200, response.content
    return response.json()["available"]


def test_available_only_while_someone_of_the_brand_is_on_shift(
    brands: tuple[Brand, Brand],
) -> None:
    with time_machine.travel(SUNDAY_NOON, tick=False):
        assert _available("night-clinic") is True
        assert _available("ledgerly") is False  # Priya works weekdays
    with time_machine.travel(MONDAY_TEN, tick=False):
        assert _available("ledgerly") is True


def test_nobody_available_when_everyone_on_shift_holds_their_chat_capacity(
    world: World, brands: tuple[Brand, Brand]
) -> None:
    Agent.objects.filter(pk__in=[world.agent.pk, world.colleague.pk]).update(chat_capacity=1)
    with time_machine.travel(SUNDAY_NOON, tick=False):
        assert Visitor().start("First", brand="night-clinic").status_code == 201
        assert _available("night-clinic") is True  # one of the two still has room
        assert Visitor().start("Second", brand="night-clinic").status_code == 201
        assert _available("night-clinic") is False


def test_availability_refuses_an_unknown_or_hostile_brand(brands: tuple[Brand, Brand]) -> None:
    for slug in ["nope", "<script>alert(1)</script>", "x" * 5000]:
        response = Client().get(AVAILABILITY, {"brand": slug})
        assert response.status_code == 422
        assert response.json()["error"]["field"] == "brand"
    assert Client().post(AVAILABILITY).status_code == 405


def test_wait_and_position_come_from_the_queue_and_the_median_first_reply(
    world: World, brands: tuple[Brand, Brand]
) -> None:
    with time_machine.travel(SUNDAY_NOON, tick=False) as clock:
        # No chat of this brand was ever answered: a position, but no wait (no basis).
        first = Visitor()
        answered = first.start("Earlier question", brand="night-clinic").json()
        body = first.read(answered["conversation"]).json()
        assert body["queue_position"] == 1 and body["wait_seconds"] is None
        # It is answered two minutes later: the brand's median first reply is 120 s.
        clock.shift(timedelta(minutes=2))
        reply(case=Case.objects.get(pk=answered["case_id"]), text="Hello", by=world.agent)
        assert first.read(answered["conversation"]).json()["queue_position"] is None
        assert first.read(answered["conversation"]).json()["wait_seconds"] is None
        waiting = []
        for text in ["B", "C", "D"]:
            clock.shift(timedelta(seconds=10))
            visitor = Visitor()
            waiting.append((visitor, visitor.start(text, brand="night-clinic").json()))
        # Ana and Ben are free (under 3 chats each): two people, 120 s a round.
        figures = [
            (
                v.read(s["conversation"]).json()["queue_position"],
                v.read(s["conversation"]).json()["wait_seconds"],
            )
            for v, s in waiting
        ]
        assert figures == [(1, 120), (2, 120), (3, 240)]
        # Once B is answered (20 s after it started), C and D move up; the median is now that
        # of 120 s and 20 s.
        reply(case=Case.objects.get(pk=waiting[0][1]["case_id"]), text="Hi", by=world.agent)
        visitor, started = waiting[2]
        body = visitor.read(started["conversation"]).json()
        assert (body["queue_position"], body["wait_seconds"]) == (2, 70)


def test_no_wait_figure_when_nobody_is_on_shift(world: World, brands: tuple[Brand, Brand]) -> None:
    with time_machine.travel(MONDAY_TEN, tick=False) as clock:
        visitor = Visitor()
        started = visitor.start("Invoice question", brand="ledgerly").json()
        clock.shift(timedelta(minutes=5))
        case = Case.objects.get(pk=started["case_id"])
        assert case.owner is not None
        reply(case=case, text="Here", by=case.owner)
    with time_machine.travel(SUNDAY_NOON, tick=False):
        later = Visitor()
        token = later.start("Weekend question", brand="ledgerly").json()["conversation"]
        body = later.read(token).json()
        assert body["queue_position"] == 1 and body["wait_seconds"] is None
    assert Conversation.objects.count() == 2


def test_outside_hours_the_queue_line_says_nobody_is_on_shift_not_a_place(
    world: World, brands: tuple[Brand, Brand]
) -> None:
    """Number 1 in a queue nobody works through until Monday is no answer: the line says
    nobody is on shift, when the next person starts, and what the customer can have instead."""
    with time_machine.travel(SUNDAY_NOON, tick=False):
        browser = Client()
        browser.post("/chat/?brand=ledgerly", {"text": "Weekend question"})
        page = browser.get("/chat/?brand=ledgerly").content.decode()
        visitor = Visitor()
        token = visitor.start("Weekend question", brand="ledgerly").json()["conversation"]
        body = visitor.read(token).json()
    closed = (
        "We are outside our hours: nobody can answer right now. The next person starts Monday "
        "11 January at 09:00 (UTC). You can ask us to call you back, or continue by email "
        "(below)."
    )
    assert body["outside_hours"] == closed
    assert "You are number" not in page
    assert f'id="chat-queue" role="status">{closed}</p>' in page
    # On shift, the place and the wait stand, and there is no such line.
    with time_machine.travel(MONDAY_TEN, tick=False):
        assert visitor.read(token).json()["outside_hours"] is None


@pytest.mark.parametrize(
    ("position", "wait", "words"),
    [
        (None, None, ""),
        (1, None, "You are number 1 in the queue. We can't estimate the wait."),
        (1, 30, "You are number 1 in the queue. Expected wait: under a minute."),
        (2, 70, "You are number 2 in the queue. Expected wait: about 2 minutes."),
        (1, 60, "You are number 1 in the queue. Expected wait: about 1 minute."),
        (9, 3 * 3600, "You are number 9 in the queue. Expected wait: about 3 hours."),
    ],
)
def test_the_wait_is_told_rounded_up_and_never_without_a_figure(
    position: int | None, wait: int | None, words: str
) -> None:
    assert queue_words(position, wait) == words
