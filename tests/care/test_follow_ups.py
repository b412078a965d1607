"""Follow-ups: by hand in one click, by policy on resolution, owned by whoever resolved it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from rapport.care.actions.promises import (
    create_follow_up_policy,
    follow_up_tomorrow,
    schedule_follow_up,
)
from rapport.care.models import FollowUpPolicy, Promise, PromiseKind
from rapport.cases.actions.assignment import set_tags
from rapport.cases.actions.status import change_status, resolve_case
from rapport.cases.models import CaseEvent
from rapport.lib.errors import ActionError
from rapport.routing.actions.opening import open_case, receive_message
from tests.conftest import World

SATURDAY_NIGHT = datetime(2026, 3, 28, 22, 30, tzinfo=UTC)  # 23:30 in Madrid, before DST


def test_one_click_follow_up_is_tomorrow_ten_in_the_customers_zone_across_dst(
    world: World,
) -> None:
    with time_machine.travel(SATURDAY_NIGHT, tick=False):
        promise = follow_up_tomorrow(case=world.case, by=world.colleague)
    # Sunday is summer time: 10:00 in Madrid is 08:00 UTC, not 09:00.
    assert promise.due_at == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    assert promise.owner_id == world.colleague.pk and promise.kind == PromiseKind.FOLLOW_UP
    assert promise.remind_at == promise.due_at
    assert promise.miss_at == promise.due_at + timedelta(hours=2)
    assert CaseEvent.objects.filter(case=world.case, kind="follow_up_scheduled").count() == 1


def test_a_follow_up_in_the_past_is_refused(world: World) -> None:
    with pytest.raises(ActionError) as refused:
        schedule_follow_up(
            case=world.case,
            by=world.agent,
            due_at=datetime(2020, 1, 1, tzinfo=UTC),
            purpose="Too late",
        )
    assert refused.value.field == "due_at"


def test_policy_matches_tags_team_priority_and_triage(world: World) -> None:
    create_follow_up_policy(
        name="Urgent clinic cases", team=world.clinic, triage_signal="urgent", purpose="Check in"
    )
    calm = world.case
    resolve_case(case=calm, by=world.agent)
    assert not Promise.objects.filter(case=calm).exists()
    urgent = open_case(
        customer=world.customer,
        subject="Bleeding",
        channel="phone",
        text="My dog is bleeding a lot",
        by=world.agent,
        team=world.clinic,
    )
    assert urgent.triage["urgent"]
    resolve_case(case=urgent, by=world.agent)
    promise = Promise.objects.get(case=urgent)
    assert promise.purpose == "Check in" and promise.owner_id == world.agent.pk


def test_policy_with_a_priority_that_does_not_match(world: World) -> None:
    create_follow_up_policy(name="High only", priority="high", purpose="Check in")
    resolve_case(case=world.case, by=world.agent)
    assert not Promise.objects.exists()


def test_resolving_twice_schedules_one_call(world: World, clinic_policy: FollowUpPolicy) -> None:
    set_tags(case=world.case, tags=["clinic-visit"], by=world.agent)
    resolve_case(case=world.case, by=world.agent)
    receive_message(case=world.case, text="One more thing", channel="email")
    resolve_case(case=world.case, by=world.colleague)
    assert Promise.objects.filter(case=world.case).count() == 1


def test_the_owner_is_who_resolved_it_and_the_system_falls_back_to_the_case_owner(
    world: World, clinic_policy: FollowUpPolicy
) -> None:
    set_tags(case=world.case, tags=["clinic-visit"], by=world.agent)
    change_status(case=world.case, to="resolved", by=None)
    assert Promise.objects.get(case=world.case).owner_id == world.case.owner_id


def test_a_refused_resolution_schedules_nothing(
    world: World, clinic_policy: FollowUpPolicy
) -> None:
    set_tags(case=world.case, tags=["clinic-visit"], by=world.agent)
    with pytest.raises(ActionError):
        change_status(case=world.case, to="resolved", by=world.agent, expected="open")
    assert not Promise.objects.exists()


def test_policy_names_are_unique_and_values_checked(world: World) -> None:
    create_follow_up_policy(name="A", purpose="x")
    with pytest.raises(ActionError):
        create_follow_up_policy(name="A", purpose="x")
    with pytest.raises(ActionError) as refused:
        create_follow_up_policy(name="B", purpose="x", triage_signal="sad")
    assert refused.value.field == "triage_signal"
