"""Story 1: the night doctor resolves the visit; the next day at 10:00 (her time) the call is on
her list, she logs it in one step; had she not, it would have been escalated, never dropped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from rapport.care.models import FollowUpPolicy, Promise, PromiseStatus
from rapport.cases.actions.assignment import set_tags
from rapport.cases.actions.status import resolve_case
from rapport.cases.models import Call, Notification
from rapport.jobs.scheduler import run_sweeps
from rapport.people.actions.relationship import set_relationship
from tests.conftest import World

NIGHT = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)  # Monday 23:30 in Madrid
TEN_NEXT_DAY = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Madrid


def resolve_visit(world: World) -> Promise:
    with time_machine.travel(NIGHT, tick=False):
        set_tags(case=world.case, tags=["clinic-visit"], by=world.agent)
        resolve_case(case=world.case, by=world.agent, reason="Kennel cough; antibiotics")
    return Promise.objects.get(case=world.case)


def test_next_day_call_is_on_the_night_doctors_list_at_ten_her_time(
    world: World, clinic_policy: FollowUpPolicy
) -> None:
    promise = resolve_visit(world)
    # Owned by the doctor who handled the visit, not the customer's regular vet.
    assert world.customer.owner_id == world.colleague.pk
    assert promise.owner_id == world.agent.pk
    assert promise.due_at == TEN_NEXT_DAY and promise.timezone == "Europe/Madrid"
    assert promise.purpose == "Check the meds are helping" and promise.channel == "phone"

    ana = world.client_for(world.agent)
    with time_machine.travel(NIGHT + timedelta(minutes=10), tick=False):
        assert f'data-promise-id="{promise.pk}"' not in ana.get("/care/calls/").content.decode()
    with time_machine.travel(TEN_NEXT_DAY, tick=False):
        page = ana.get("/care/calls/").content.decode()
        assert f'data-promise-id="{promise.pk}"' in page
        assert '<strong class="due-time">10:00</strong>' in page
        assert 'href="tel:+34612345678"' in page and "Any new symptoms?" in page
        ben = world.client_for(world.colleague).get("/care/calls/").content.decode()
        assert f'data-promise-id="{promise.pk}"' not in ben
        # The reminder reaches her at the due time, once.
        assert run_sweeps(now=TEN_NEXT_DAY)["promise_reminders"]["reminded"] == [promise.pk]
        assert run_sweeps(now=TEN_NEXT_DAY)["promise_reminders"]["reminded"] == []
        response = ana.post(
            f"/care/promises/{promise.pk}/call/",
            {
                "outcome": "reached_fine",
                "notes": "Eating again, cough easing",
                "phone": "+34612345678",
            },
        )
    assert response.status_code == 302
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.KEPT and not promise.late
    call = Call.objects.get(case=world.case)
    assert call.agent_id == world.agent.pk and call.outcome == "reached"
    assert call.notes == "Eating again, cough easing"
    with time_machine.travel(TEN_NEXT_DAY + timedelta(hours=5), tick=False):
        assert run_sweeps(now=TEN_NEXT_DAY + timedelta(hours=5))["promise_escalation"] == {
            "missed": [],
            "deferred": [],
        }


def test_missed_call_escalates_to_deputy_and_supervisor_once(
    world: World, clinic_policy: FollowUpPolicy
) -> None:
    set_relationship(
        customer=world.customer, owner=world.agent, deputy=world.colleague, by=world.supervisor
    )
    promise = resolve_visit(world)
    before_grace = TEN_NEXT_DAY + timedelta(hours=1, minutes=59)
    assert run_sweeps(now=before_grace)["promise_escalation"]["missed"] == []
    late = TEN_NEXT_DAY + timedelta(hours=2)
    assert run_sweeps(now=late)["promise_escalation"]["missed"] == [promise.pk]
    assert run_sweeps(now=late + timedelta(minutes=1))["promise_escalation"]["missed"] == []
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.MISSED and promise.escalated_at == late
    told = sorted(
        Notification.objects.filter(kind="promise_missed").values_list("agent_id", flat=True)
    )
    assert told == sorted([world.agent.pk, world.colleague.pk, world.supervisor.pk])
    deputy_note = Notification.objects.get(kind="promise_missed", agent=world.colleague)
    assert "was due 10:00 Europe/Madrid" in deputy_note.text and "deputy" in deputy_note.text
    # Never dropped: the deputy sees it on their list and can still keep it (late).
    with time_machine.travel(late + timedelta(minutes=30), tick=False):
        ben = world.client_for(world.colleague)
        assert f'data-promise-id="{promise.pk}"' in ben.get("/care/calls/").content.decode()
        ben.post(f"/care/promises/{promise.pk}/call/", {"outcome": "voicemail"})
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.KEPT and promise.late
