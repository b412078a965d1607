"""Someone leaves the desk: the customers they looked after and the promises they still had to
keep get a new named person, each told and audited; nothing is left with nobody."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rapport.care.actions.promises import schedule_follow_up
from rapport.care.models import Promise, PromiseStatus
from rapport.cases.models import Case, CaseEvent, CaseEventKind, Notification, NotificationKind
from rapport.lib.errors import ActionError
from rapport.people.actions.customers import create_customer
from rapport.people.models import Customer, CustomerEvent, SecurityEvent, SecurityEventKind
from rapport.routing.actions.opening import open_case
from rapport.routing.actions.staff import deactivate_agent
from tests.conftest import World


def _follow_up(world: World, case: Case, *, days: int = 1) -> Promise:
    return schedule_follow_up(
        case=case,
        by=world.agent,
        due_at=timezone.now() + timedelta(days=days),
        purpose="Check the stitches",
    )


def _her_customer(world: World, *, deputy: bool) -> tuple[Customer, Case]:
    """Tom, whom Ana looks after (Ben standing in when `deputy`), and his resolved case."""
    tom = create_customer(
        name="Tom Baker",
        by=world.agent,
        owner=world.agent,
        deputy=world.colleague if deputy else None,
    )
    case = open_case(
        customer=tom,
        subject="Stitches",
        channel="phone",
        text="Seen tonight",
        by=world.agent,
        owner=world.agent,
        team=world.clinic,
    )
    Case.objects.filter(pk=case.pk).update(status="resolved")
    return tom, Case.objects.get(pk=case.pk)


def test_her_customers_and_promises_go_to_named_people_each_told(world: World) -> None:
    tom, resolved = _her_customer(world, deputy=True)
    after_visit = _follow_up(world, resolved)  # on a closed case that stays hers
    on_open_case = _follow_up(world, world.case, days=2)
    Case.objects.filter(pk=world.case.pk).update(owner=world.agent)

    done = deactivate_agent(agent=world.agent, by=world.supervisor, hand_over_to=world.colleague)

    tom.refresh_from_db()
    assert (tom.owner, tom.deputy) == (world.colleague, None)  # her deputy stands in for good
    world.customer.refresh_from_db()  # Maria: Ana was only her deputy
    assert (world.customer.owner, world.customer.deputy) == (world.colleague, None)
    assert done.customers == {tom.pk: world.colleague}
    assert done.promises == {after_visit.pk: world.colleague, on_open_case.pk: world.colleague}
    for promise in (after_visit, on_open_case):
        promise.refresh_from_db()
        assert promise.owner == world.colleague and promise.status == PromiseStatus.OPEN
        event = CaseEvent.objects.get(case=promise.case, kind=CaseEventKind.PROMISE_HANDED_OVER)
        assert event.actor == world.supervisor
        assert event.reason == "Dr. Ana Ortiz was deactivated"
        assert event.after == {"promise": promise.pk, "owner": world.colleague.pk}
    told = Notification.objects.filter(
        agent=world.colleague, kind=NotificationKind.PROMISE_HANDED_OVER
    )
    assert sorted(n.case_id or 0 for n in told) == sorted([resolved.pk, world.case.pk])
    assert "Tom Baker (Check the stitches) is yours to keep now" in told[0].text
    assert CustomerEvent.objects.filter(customer=tom, kind="relationship").count() == 1
    audit = SecurityEvent.objects.get(kind=SecurityEventKind.AGENT_DEACTIVATED)
    assert audit.detail == "1 open case, 1 customer, 2 promises handed over"


def test_a_promise_follows_whoever_now_has_its_case_before_anyone_else(world: World) -> None:
    promise = _follow_up(world, world.case)  # Ana's case; its customer is Ben's
    world.clinic.members.add(world.supervisor)
    done = deactivate_agent(agent=world.agent, by=world.supervisor, hand_over_to=world.supervisor)
    world.case.refresh_from_db()
    assert world.case.owner == world.supervisor
    assert done.promises == {promise.pk: world.supervisor}


def test_without_a_deputy_or_an_open_case_her_customer_goes_to_the_one_chosen(
    world: World,
) -> None:
    tom, resolved = _her_customer(world, deputy=False)
    promise = _follow_up(world, resolved)
    done = deactivate_agent(agent=world.agent, by=world.supervisor, hand_over_to=world.colleague)
    tom.refresh_from_db()
    assert tom.owner == world.colleague
    assert done.promises == {promise.pk: world.colleague}


def test_a_promise_nobody_can_keep_refuses_the_whole_deactivation(world: World) -> None:
    tom, resolved = _her_customer(world, deputy=False)
    promise = _follow_up(world, resolved)
    with pytest.raises(ActionError, match="Nobody can keep the promise to Tom Baker"):
        deactivate_agent(agent=world.agent, by=world.supervisor)
    world.agent.user.refresh_from_db()
    assert world.agent.user.is_active  # nothing changed
    promise.refresh_from_db()
    tom.refresh_from_db()
    assert promise.owner == world.agent and tom.owner == world.agent
    assert not CaseEvent.objects.filter(kind=CaseEventKind.PROMISE_HANDED_OVER).exists()


def test_kept_and_cancelled_promises_stay_hers(world: World) -> None:
    kept = _follow_up(world, world.case)
    Promise.objects.filter(pk=kept.pk).update(status=PromiseStatus.KEPT)
    done = deactivate_agent(agent=world.agent, by=world.supervisor, hand_over_to=world.colleague)
    kept.refresh_from_db()
    assert kept.owner == world.agent and done.promises == {}
