from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from rapport.cases.actions.messages import log_call, reply
from rapport.cases.actions.status import change_priority, change_status
from rapport.cases.models import Case, Status
from rapport.routing.actions.opening import open_case, receive_message
from rapport.routing.models import SlaPolicy
from tests.conftest import World

MONDAY_9 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Madrid


def office_hours(world: World) -> None:
    world.night_site.working_hours = {
        d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")
    }
    world.night_site.save(update_fields=["working_hours"])
    world.colleague.site = world.night_site
    world.colleague.save(update_fields=["site"])


@time_machine.travel(MONDAY_9, tick=False)
def test_chat_gets_minutes_email_gets_hours(world: World) -> None:
    chat = open_case(customer=world.customer, subject="", channel="chat", text="hola?", by=None)
    mail = open_case(customer=world.customer, subject="", channel="email", text="Hello", by=None)
    assert chat.first_response_due_at == MONDAY_9 + timedelta(minutes=5)
    assert mail.first_response_due_at == MONDAY_9 + timedelta(hours=4)
    assert mail.pickup_at == MONDAY_9


@time_machine.travel(datetime(2026, 11, 27, 15, 0, tzinfo=UTC), tick=False)
def test_deadline_counts_the_serving_sites_hours(world: World) -> None:
    office_hours(world)  # Friday 16:00 in Madrid: one working hour left this week
    case = open_case(customer=world.customer, subject="", channel="email", text="Hi", by=None)
    assert case.owner_id == world.colleague.pk
    assert case.first_response_due_at == datetime(2026, 11, 30, 11, 0, tzinfo=UTC)


def test_operator_policy_overrides_the_default(world: World) -> None:
    SlaPolicy.objects.create(
        priority="normal",
        channel="email",
        first_response_minutes=60,
        next_response_minutes=120,
        resolution_minutes=600,
        business_hours=False,
    )
    case = open_case(customer=world.customer, subject="", channel="email", text="Hi", by=None)
    assert case.first_response_due_at is not None
    assert case.first_response_due_at - case.created_at == timedelta(hours=1)


def test_reply_stops_the_clock_and_the_customer_restarts_it(world: World) -> None:
    with time_machine.travel(MONDAY_9, tick=False):
        case = open_case(customer=world.customer, subject="", channel="email", text="Hi", by=None)
        reply(case=case, text="Tell me more", by=world.colleague)
    case.refresh_from_db()
    assert case.first_response_at == MONDAY_9
    assert case.next_response_due_at is None
    assert case.sla_paused_at == MONDAY_9
    later = MONDAY_9 + timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        receive_message(case=case, text="Here it is", channel="email")
    case.refresh_from_db()
    assert case.status == Status.OPEN and case.sla_paused_at is None
    assert case.next_response_due_at == later + timedelta(hours=8)
    assert case.resolution_due_at == MONDAY_9 + timedelta(days=3, hours=2)  # paused 2 hours


def test_a_reached_call_is_a_human_response(world: World) -> None:
    case = open_case(customer=world.customer, subject="", channel="phone", text="Call me", by=None)
    log_call(case=case, by=world.colleague, direction="outbound", outcome="reached")
    case.refresh_from_db()
    assert case.first_response_at is not None and case.next_response_due_at is None


def test_waiting_on_customer_pauses_and_resolving_clears(world: World) -> None:
    case = open_case(customer=world.customer, subject="", channel="email", text="Hi", by=None)
    change_status(case=case, to=Status.WAITING_CUSTOMER, by=world.colleague)
    assert Case.objects.get(pk=case.pk).sla_paused_at is not None
    change_status(case=case, to=Status.RESOLVED, by=world.colleague)
    resolved = Case.objects.get(pk=case.pk)
    assert resolved.next_response_due_at is None and resolved.sla_paused_at is None


def _policies_by_the_clock() -> None:
    """Email deadlines in wall-clock minutes: normal 4 h / 8 h, urgent 30 min / 1 h."""
    for priority, first, then in (("normal", 240, 480), ("urgent", 30, 60), ("low", 480, 960)):
        SlaPolicy.objects.update_or_create(
            priority=priority,
            channel="email",
            defaults={
                "first_response_minutes": first,
                "next_response_minutes": then,
                "resolution_minutes": 4320,
                "business_hours": False,
            },
        )


def test_a_priority_change_moves_the_pending_first_response_deadline(world: World) -> None:
    _policies_by_the_clock()
    with time_machine.travel(MONDAY_9, tick=False):
        case = open_case(customer=world.customer, subject="", channel="email", text="Hi", by=None)
    assert case.priority == "normal"
    assert case.first_response_due_at == MONDAY_9 + timedelta(hours=4)
    with time_machine.travel(MONDAY_9 + timedelta(minutes=10), tick=False):
        change_priority(case=case, to="urgent", by=world.colleague)
    case.refresh_from_db()
    # From the moment the case was opened, not from the change.
    assert case.first_response_due_at == MONDAY_9 + timedelta(minutes=30)
    assert case.next_response_due_at == MONDAY_9 + timedelta(minutes=30)
    with time_machine.travel(MONDAY_9 + timedelta(minutes=20), tick=False):
        change_priority(case=case, to="low", by=world.colleague)
    case.refresh_from_db()
    assert case.first_response_due_at == MONDAY_9 + timedelta(hours=8)
    assert case.next_response_due_at == MONDAY_9 + timedelta(hours=8)


def test_a_priority_change_moves_the_next_response_from_the_customers_last_word(
    world: World,
) -> None:
    _policies_by_the_clock()
    with time_machine.travel(MONDAY_9, tick=False):
        case = open_case(customer=world.customer, subject="", channel="email", text="Hi", by=None)
        reply(case=case, text="Tell me more", by=world.colleague)
    wrote = MONDAY_9 + timedelta(hours=1)
    with time_machine.travel(wrote, tick=False):
        receive_message(case=case, text="Here it is", channel="email")
    case.refresh_from_db()
    assert case.next_response_due_at == wrote + timedelta(hours=8)
    with time_machine.travel(wrote + timedelta(minutes=5), tick=False):
        change_priority(case=case, to="urgent", by=world.colleague)
    case.refresh_from_db()
    assert case.next_response_due_at == wrote + timedelta(hours=1)
    # The first answer was given on time: its deadline stays as it was.
    assert case.first_response_at == MONDAY_9
    assert case.first_response_due_at == MONDAY_9 + timedelta(hours=4)


def test_an_answered_case_stays_answered_when_its_priority_changes(world: World) -> None:
    _policies_by_the_clock()
    with time_machine.travel(MONDAY_9, tick=False):
        case = open_case(customer=world.customer, subject="", channel="email", text="Hi", by=None)
        reply(case=case, text="Done, anything else?", by=world.colleague)
        change_priority(case=case, to="urgent", by=world.colleague)
    case.refresh_from_db()
    assert case.first_response_at == MONDAY_9
    assert case.next_response_due_at is None
    assert case.first_response_due_at == MONDAY_9 + timedelta(hours=4)


def test_a_loosened_deadline_warns_again_a_tightened_one_does_not_warn_twice(
    world: World,
) -> None:
    _policies_by_the_clock()
    with time_machine.travel(MONDAY_9, tick=False):
        case = open_case(customer=world.customer, subject="", channel="email", text="Hi", by=None)
    Case.objects.filter(pk=case.pk).update(sla_warned_at=MONDAY_9 + timedelta(hours=3))
    with time_machine.travel(MONDAY_9 + timedelta(hours=3), tick=False):
        change_priority(case=case, to="urgent", by=world.colleague)
    case.refresh_from_db()
    assert case.sla_warned_at == MONDAY_9 + timedelta(hours=3)
    with time_machine.travel(MONDAY_9 + timedelta(hours=3), tick=False):
        change_priority(case=case, to="low", by=world.colleague)
    case.refresh_from_db()
    assert case.next_response_due_at == MONDAY_9 + timedelta(hours=8)
    assert case.sla_warned_at is None and case.sla_breached_at is None
