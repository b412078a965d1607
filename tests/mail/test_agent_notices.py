"""Email notifications to agents: the "agent_notices" sweep, through the outbox, over real SMTP.

Ana (Europe/Madrid) chooses what she is mailed; the sweep gathers her unread notices into one
mail at most every RAPPORT_NOTIFY_EMAIL_MINUTES, with times in her zone, and never while she is
off shift unless she chose "even off shift".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from rapport.care.actions.promises import schedule_follow_up
from rapport.care.sweeps import warn_soon
from rapport.cases.actions.assignment import assign_case
from rapport.cases.actions.events import mark_notifications_read, notify_agent
from rapport.cases.models import Notification, NotificationKind
from rapport.jobs.scheduler import run_sweeps
from rapport.mail.models import AgentMail, AgentMailStatus
from rapport.mail.notices import SETTLE, mail_notices
from rapport.outreach.actions.make_goods import record_make_good
from rapport.people.actions.customers import create_customer
from rapport.people.actions.notifications import Choice, set_notification_choices
from rapport.people.models import Agent
from rapport.routing.actions.opening import open_case, receive_message
from tests.conftest import World
from tests.mail.smtp_sink import Sink, sink

__all__ = ["sink"]  # the fixture, imported for pytest

# Wednesday 10 June 2026, 10:00 in Madrid (UTC+2): Ana is on shift.
MORNING = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)
WEEKDAYS = {day: [["08:00", "20:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def with_address(agent: Agent, address: str, *, hours: dict[str, object] | None = None) -> Agent:
    agent.user.email = address
    agent.user.save(update_fields=["email"])
    agent.working_hours = hours if hours is not None else WEEKDAYS
    agent.save(update_fields=["working_hours"])
    return agent


def choose(agent: Agent, *kinds: str, off_shift: bool = False, since: datetime = MORNING) -> None:
    set_notification_choices(
        agent=agent,
        choices={kind: Choice(email=True, even_off_shift=off_shift) for kind in kinds},
        now=since - timedelta(hours=1),
    )


def tell(agent: Agent, world: World, text: str, at: datetime, **kind: NotificationKind) -> None:
    notify_agent(
        agent=agent,
        kind=kind.get("kind", NotificationKind.HANDOVER),
        text=text,
        case=world.case,
        at=at,
    )


@pytest.fixture
def sweep(django_capture_on_commit_callbacks: Any) -> Callable[..., dict[str, Any]]:
    """Run the notices sweep (or every sweep) and then what it left to run on commit (the
    delivery job): the test's transaction never commits."""

    def run(*, now: datetime, every: bool = False) -> dict[str, Any]:
        with django_capture_on_commit_callbacks(execute=True):
            if every:
                return run_sweeps(now=now)
            return {**mail_notices(now=now)}

    return run


@pytest.fixture
def ana(world: World, settings: Settings) -> Agent:
    settings.SITE_URL = "https://desk.example"
    settings.SITE_NAME = "Night Clinic desk"
    settings.DEFAULT_FROM_EMAIL = "support@clinic.example"
    return with_address(world.agent, "ana@clinic.example")


def test_a_case_handed_to_her_is_mailed_with_its_link_and_her_local_time(
    world: World, ana: Agent, sink: Sink, sweep: Any
) -> None:
    choose(ana, "assigned")
    tell(ana, world, "Sam Reyes handed you case #1 Puppy coughing: call back.", MORNING)
    result = sweep(now=MORNING + SETTLE)
    assert result["mailed"] == [ana.pk]
    mail = sink.only()
    assert mail.rcpt_tos == ["ana@clinic.example"]
    message = mail.message
    assert (
        message["Subject"]
        == "Case handed to you: Sam Reyes handed you case #1 Puppy coughing: call back."
    )
    assert message["Auto-Submitted"] == "auto-generated"
    assert "support@clinic.example" in message["From"]
    body = message.get_content()
    assert "Hello Dr. Ana Ortiz," in body
    assert "Wed 10 Jun 10:00 · Case handed to you" in body  # 08:00 UTC is 10:00 in Madrid
    assert f"https://desk.example/cases/{world.case.pk}/" in body
    assert "Times are in your zone, Europe/Madrid." in body
    assert "https://desk.example/account/#notifications" in body
    stored = AgentMail.objects.get()
    assert stored.status == AgentMailStatus.SENT and stored.sent_at is not None


def test_notices_are_gathered_into_one_mail_every_few_minutes(
    world: World, ana: Agent, sink: Sink, settings: Settings, sweep: Any
) -> None:
    settings.RAPPORT_NOTIFY_EMAIL_MINUTES = 5
    choose(ana, "assigned", "customer_wrote")
    tell(ana, world, "First", MORNING)
    tell(ana, world, "Second", MORNING, kind=NotificationKind.CUSTOMER_WROTE)
    sweep(now=MORNING + SETTLE)
    first = sink.only().message
    assert first["Subject"] == "2 notifications from Night Clinic desk"
    assert "First" in first.get_content() and "Second" in first.get_content()
    tell(ana, world, "Third", MORNING + timedelta(minutes=1))
    tell(ana, world, "Fourth", MORNING + timedelta(minutes=2))
    assert sweep(now=MORNING + timedelta(minutes=3))["mailed"] == []
    assert len(sink.received) == 1
    sweep(now=MORNING + timedelta(minutes=5, seconds=10))
    assert len(sink.received) == 2
    second = sink.received[1].message.get_content()
    assert "Third" in second and "Fourth" in second and "First" not in second
    # Nothing new: no third mail.
    sweep(now=MORNING + timedelta(minutes=20))
    assert len(sink.received) == 2


def test_only_the_kinds_she_chose_and_only_from_when_she_chose_them(
    world: World, ana: Agent, sink: Sink, sweep: Any
) -> None:
    tell(ana, world, "Before she opted in", MORNING - timedelta(hours=2))
    choose(ana, "assigned")
    tell(ana, world, "A bounce", MORNING, kind=NotificationKind.BOUNCE)
    tell(ana, world, "Deadline at risk", MORNING, kind=NotificationKind.SLA_AT_RISK)
    tell(ana, world, "The customer wrote", MORNING, kind=NotificationKind.CUSTOMER_WROTE)
    assert sweep(now=MORNING + SETTLE)["mailed"] == []
    assert sink.received == []
    tell(ana, world, "Handed over", MORNING + timedelta(minutes=1))
    sweep(now=MORNING + timedelta(minutes=2))
    body = sink.only().message.get_content()
    assert "Handed over" in body and "Before she opted in" not in body


def test_what_she_read_on_the_desk_is_not_mailed(
    world: World, ana: Agent, sink: Sink, sweep: Any
) -> None:
    choose(ana, "assigned")
    tell(ana, world, "Seen already", MORNING)
    mark_notifications_read(agent=ana)
    assert sweep(now=MORNING + SETTLE)["mailed"] == []
    assert sink.received == []


def test_nothing_is_mailed_off_shift_unless_she_asked(
    world: World, ana: Agent, sink: Sink, sweep: Any
) -> None:
    choose(ana, "assigned")
    choose(ana, "make_good_approval", off_shift=True)
    night = datetime(2026, 6, 10, 23, 0, tzinfo=UTC)  # 01:00 in Madrid
    tell(ana, world, "Handed over at night", night)
    sweep(now=night + SETTLE)
    assert sink.received == []
    # Back on shift, the night's notice is not mailed late: it waits on the desk.
    sweep(now=datetime(2026, 6, 11, 7, 0, tzinfo=UTC))
    assert sink.received == []
    assert Notification.objects.filter(text="Handed over at night", read_at__isnull=True).exists()
    tell(ana, world, "Approve a credit", night, kind=NotificationKind.MAKE_GOOD_APPROVAL)
    tell(ana, world, "Handed over again", night)
    sweep(now=night + timedelta(minutes=10))
    body = sink.only().message.get_content()
    assert "Approve a credit" in body and "Handed over again" not in body


def test_away_is_off_shift_too(world: World, ana: Agent, sink: Sink, sweep: Any) -> None:
    ana.availability = "away"
    ana.save(update_fields=["availability"])
    choose(ana, "assigned")
    tell(ana, world, "While away", MORNING)
    sweep(now=MORNING + SETTLE)
    assert sink.received == []


@pytest.mark.parametrize(
    "clock",
    [
        # The Sunday the clocks go forward in Europe (29 March 2026, 02:00 -> 03:00).
        ("Europe/Madrid", datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "Sun 29 Mar 01:30"),
        ("Europe/Madrid", datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "Sun 29 Mar 03:30"),
        # And in North America (8 March 2026).
        ("America/Toronto", datetime(2026, 3, 8, 6, 30, tzinfo=UTC), "Sun 8 Mar 01:30"),
        ("America/Toronto", datetime(2026, 3, 8, 7, 30, tzinfo=UTC), "Sun 8 Mar 03:30"),
    ],
)
def test_times_are_in_her_zone_across_a_clock_change(
    world: World, ana: Agent, sink: Sink, clock: tuple[str, datetime, str], sweep: Any
) -> None:
    zone, utc, shown = clock
    ana.timezone = zone
    ana.working_hours = {}  # around the clock
    ana.save(update_fields=["timezone", "working_hours"])
    choose(ana, "assigned", since=utc)
    tell(ana, world, "Handed over", utc)
    sweep(now=utc + SETTLE)
    body = sink.only().message.get_content()
    assert f"{shown} · Case handed to you" in body and f"Times are in your zone, {zone}." in body


def test_two_sweeps_at_once_mail_once(world: World, ana: Agent, sink: Sink, sweep: Any) -> None:
    choose(ana, "assigned")
    tell(ana, world, "Once", MORNING)
    sweep(now=MORNING + SETTLE)
    sweep(now=MORNING + SETTLE)
    assert len(sink.received) == 1 and AgentMail.objects.count() == 1


def test_no_address_no_mail_and_nothing_claimed_sent(world: World, sink: Sink, sweep: Any) -> None:
    ben = world.colleague
    ben.working_hours = {}
    ben.save(update_fields=["working_hours"])
    choose(ben, "assigned")
    tell(ben, world, "For Ben", MORNING)
    sweep(now=MORNING + SETTLE)
    assert sink.received == [] and not AgentMail.objects.exists()


# -- Each kind, from the action that tells it -----------------------------------------------------


def test_a_new_case_routed_to_her_and_a_handover(
    world: World, ana: Agent, sink: Sink, sweep: Any
) -> None:
    choose(ana, "assigned", since=datetime(2020, 1, 1, tzinfo=UTC))
    ana.working_hours = {}
    ana.save(update_fields=["working_hours"])
    kim = create_customer(name="Kim Park", by=None, identities=[("email", "kim@example.com")])
    opened = open_case(
        customer=kim, subject="Vaccination", channel="email", text="When?", by=None, owner=ana
    )
    assert Notification.objects.get(case=opened, kind=NotificationKind.NEW_CASE).agent == ana
    # Opening a case for oneself tells nobody.
    mine = open_case(customer=kim, subject="Mine", channel="phone", text="Call", by=ana, owner=ana)
    assert not Notification.objects.filter(case=mine).exists()
    assign_case(case=mine, owner=world.colleague, by=ana, reason="Ben knows Kim")
    assign_case(case=mine, owner=ana, by=world.colleague, reason="back to you")
    sweep(now=datetime.now(tz=UTC) + timedelta(minutes=1), every=True)
    body = sink.only().message.get_content()
    assert f"Kim Park: {opened.reference} Vaccination" in body
    assert "Dr. Ben Hale handed you case" in body and "back to you" in body


def test_the_customer_wrote_on_her_case(world: World, ana: Agent, sink: Sink, sweep: Any) -> None:
    choose(ana, "customer_wrote", since=datetime(2020, 1, 1, tzinfo=UTC))
    ana.working_hours = {}
    ana.save(update_fields=["working_hours"])
    receive_message(case=world.case, text="Mila is coughing   again.", channel="email")
    sweep(now=datetime.now(tz=UTC) + timedelta(minutes=1), every=True)
    body = sink.only().message.get_content()
    assert "The customer wrote" in body and "Mila is coughing again." in body


def test_a_promise_due_in_30_minutes(world: World, ana: Agent, sink: Sink, sweep: Any) -> None:
    choose(ana, "promise_due", since=MORNING - timedelta(days=1))
    promise = schedule_follow_up(
        case=world.case,
        by=ana,
        due_at=MORNING + timedelta(minutes=45),
        purpose="Are the meds working?",
        now=MORNING - timedelta(days=1),
    )
    assert warn_soon(now=MORNING)["warned"] == []  # 45 minutes away: not yet
    assert warn_soon(now=MORNING + timedelta(minutes=15))["warned"] == [promise.pk]
    assert warn_soon(now=MORNING + timedelta(minutes=16))["warned"] == []  # once
    sweep(now=MORNING + timedelta(minutes=16))
    body = sink.only().message.get_content()
    assert "Promise due in 30 minutes" in body
    assert "Follow-up with Maria Lopez due in 30 min (10:45 Europe/Madrid)" in body
    assert "Are the meds working?" in body


def test_a_make_good_waiting_for_approval_reaches_the_supervisor(
    world: World, sink: Sink, sweep: Any
) -> None:
    sam = with_address(world.supervisor, "sam@clinic.example", hours={})
    choose(sam, "make_good_approval", since=datetime(2020, 1, 1, tzinfo=UTC))
    record_make_good(
        case=world.case,
        by=world.agent,
        kind="credit",
        description="Credit for the missed call",
        reason="we did not call back",
        amount="40",
        currency="EUR",
    )
    sweep(now=datetime.now(tz=UTC) + timedelta(minutes=1), every=True)
    mail = sink.only()
    assert mail.rcpt_tos == ["sam@clinic.example"]
    assert "Make-good to approve" in mail.message.get_content()


def test_a_line_break_in_a_notice_stays_out_of_the_subject(
    world: World, ana: Agent, sink: Sink, sweep: Any
) -> None:
    choose(ana, "assigned")
    tell(ana, world, "Sam handed you case #1: call her\nBcc: someone@example.com", MORNING)
    sweep(now=MORNING + SETTLE)
    message = sink.only().message
    assert message["Subject"] == (
        "Case handed to you: Sam handed you case #1: call her Bcc: someone@example.com"
    )
    assert message["Bcc"] is None and sink.only().rcpt_tos == ["ana@clinic.example"]
