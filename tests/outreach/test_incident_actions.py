"""Story 5: a flight cancelled for 180 passengers becomes 180 owned tasks, within capacity."""

from __future__ import annotations

from collections import Counter

import pytest

from rapport.cases.actions.assignment import set_tags
from rapport.cases.models import (
    Case,
    CaseEvent,
    Direction,
    Initiative,
    Message,
    Notification,
    Priority,
    Status,
)
from rapport.lib.errors import ActionError
from rapport.outreach.actions.incidents import NotAllowed, close_incident, create_incident
from rapport.outreach.actions.tasks import add_audience
from rapport.outreach.models import Contact, IncidentEvent, OutreachTask
from rapport.outreach.selectors import board, task_rows
from rapport.people.actions.customers import create_customer
from rapport.routing.actions.opening import open_case
from tests.conftest import World
from tests.outreach.conftest import (
    FLIGHT,
    add_passenger,
    give_open_cases,
    load_of,
    make_care_team,
    today_iso,
    tomorrow_iso,
)


def test_a_cancelled_flight_becomes_180_owned_tasks_within_capacity(world: World) -> None:
    care, agents = make_care_team(world, size=10, capacity=20)
    # Agent 0 already carries 17 cases: room for 3 of the 6 passengers who know them.
    give_open_cases(agents[0], 17, care)
    own_full = [add_passenger(i, owner=agents[0], deputy=agents[1]) for i in range(6)]
    # Agent 2's own 10 passengers all fit; one passenger's own person is outside the team.
    own_fits = [add_passenger(i, owner=agents[2], deputy=agents[3]) for i in range(6, 16)]
    outside = add_passenger(16, owner=world.colleague)
    travelling = [
        add_passenger(i, attributes={"departure_date": today_iso()}) for i in range(17, 27)
    ]
    later = [add_passenger(i, attributes={"departure_date": tomorrow_iso()}) for i in range(27, 32)]
    gold = [add_passenger(i, attributes={"loyalty": "Gold"}) for i in range(32, 37)]
    no_phone = add_passenger(37, phone=False, attributes={"departure_date": today_iso()})
    rest = [add_passenger(i) for i in range(38, 180)]
    medical = rest[0]
    medical_case = Case.objects.create(
        customer=medical, subject="Oxygen on board", origin_channel="phone", owner=agents[5]
    )
    set_tags(case=medical_case, tags=["Medical"], by=world.supervisor)
    Case.objects.filter(pk=medical_case.pk).update(status=Status.CLOSED)

    incident = create_incident(
        title=f"Flight {FLIGHT} Madrid → Manila cancelled",
        description="Engine fault; rebook on tomorrow's 09:40 or refund.",
        team=care,
        by=world.supervisor,
    )
    result = add_audience(incident=incident, asset_reference=FLIGHT, by=world.supervisor)

    assert (result.selected, result.added, result.over_capacity) == (180, 180, 0)
    tasks = {
        t.customer_id: t
        for t in OutreachTask.objects.filter(incident=incident).select_related("case")
    }
    assert len(tasks) == 180 and all(t.owner_id for t in tasks.values())
    assert len({t.case_id for t in tasks.values()}) == 180
    # Nobody is given more than they can carry (open cases include the outreach cases).
    for agent in agents:
        agent.refresh_from_db()
        assert load_of(agent) <= agent.capacity, agent.display_name
    # Spread out: everyone in the team takes a share, and nobody outside it but the customer's
    # own person.
    per_owner = Counter(t.owner_id for t in tasks.values())
    assert set(per_owner) == {a.pk for a in agents} | {world.colleague.pk}
    assert per_owner[world.colleague.pk] == 1 and tasks[outside.pk].owner_id == world.colleague.pk
    assert world.outsider.pk not in per_owner and world.agent.pk not in per_owner
    # Continuity where the owner has room, then the deputy.
    assert all(tasks[c.pk].owner_id == agents[2].pk for c in own_fits)
    owners_of_full = Counter(tasks[c.pk].owner_id for c in own_full)
    assert owners_of_full == {agents[0].pk: 3, agents[1].pk: 3}
    assert "knows this customer" in tasks[own_fits[0].pk].assignment_reason
    deputy_tasks = [tasks[c.pk] for c in own_full if tasks[c.pk].owner_id == agents[1].pk]
    assert all("deputy" in t.assignment_reason for t in deputy_tasks)

    # Phone first for the most affected: travelling today and medical need are tier 1.
    for customer in [*travelling, medical]:
        task = tasks[customer.pk]
        assert (task.tier, task.contact, task.case.priority) == (1, Contact.PHONE, Priority.URGENT)
    assert tasks[travelling[0].pk].reasons == ["travelling today"]
    assert tasks[medical.pk].reasons == ["medical need"]
    assert all(tasks[c.pk].tier == 2 and tasks[c.pk].reasons == ["high value"] for c in gold)
    assert all(tasks[c.pk].tier == 3 for c in later)
    assert tasks[rest[1].pk].contact == Contact.MESSAGE
    # Without a phone the most affected still get a personal message, with the reason shown.
    assert tasks[no_phone.pk].contact == Contact.MESSAGE
    assert "no phone number on file" in tasks[no_phone.pk].reasons
    # Each agent's list starts with the people to call first.
    first_agent = tasks[travelling[0].pk].owner
    assert first_agent is not None
    mine = task_rows(incident, owner=first_agent)
    tiers = [t.tier for t in mine]
    assert tiers == sorted(tiers) and tiers[0] == 1

    # Each case is owned, open, tagged, and briefs its owner; each owner is told.
    case = tasks[travelling[0].pk].case
    assert case.status == Status.OPEN and set(case.tags) == {"incident", incident.tag}
    briefing = Message.objects.get(case=case)
    assert briefing.direction == Direction.NOTE and "Call first — travelling today" in briefing.text
    # Opened as every case is (rapport/routing/actions/opening.py), by the desk: the pool's
    # owner, the audit row with the rule, and no response deadline, since nobody waits on one.
    assert case.initiative == Initiative.DESK and case.pickup_at is not None
    assert case.first_response_due_at is None and case.next_response_due_at is None
    opened = CaseEvent.objects.get(case=case, kind="opened")
    assert opened.actor_id == world.supervisor.pk and opened.after["incident"] == incident.pk
    assert opened.after["owner"] == case.owner_id and opened.after["rule"]
    note = Notification.objects.get(agent=agents[2], kind="outreach")
    assert "customers to reach" in note.text
    assert IncidentEvent.objects.filter(incident=incident, kind="audience_added").exists()

    counts = board(incident)
    assert counts.total == 180 and counts.overall["not_yet"] == 180
    assert counts.first_tier_open == 12  # ten travelling, one medical, one without a phone

    # Selecting again (or by another route) adds nobody twice.
    again = add_audience(incident=incident, tag=incident.tag, by=world.supervisor)
    assert (again.added, again.already) == (0, 180)


def test_when_nobody_has_room_the_overflow_is_spread_evenly_and_flagged(world: World) -> None:
    care, agents = make_care_team(world, size=3, capacity=10)
    give_open_cases(agents[0], 4, care)
    passengers = [add_passenger(i) for i in range(40)]
    incident = create_incident(title="Outage", team=care, by=world.supervisor)

    result = add_audience(incident=incident, customers=passengers, by=world.supervisor)

    # 26 places left (6 + 10 + 10); the other 14 go to the lightest loads, flagged.
    assert (result.added, result.over_capacity) == (40, 14)
    loads = sorted(load_of(a) for a in agents)
    assert loads[-1] - loads[0] <= 1 and sum(loads) == 44
    flagged = OutreachTask.objects.filter(incident=incident, over_capacity=True)
    assert flagged.count() == 14
    assert all("Everyone is at capacity" in t.assignment_reason for t in flagged)
    assert board(incident).over_capacity == 14


def test_audience_by_tag_and_saved_search(world: World) -> None:
    incident = create_incident(title="Vaccine recall", team=world.clinic, by=world.supervisor)
    set_tags(case=world.case, tags=["vaccine-batch-7"], by=world.agent)
    other = create_customer(name="Otto Brandt", by=None, identities=[("email", "otto@example.com")])

    open_case(customer=other, subject="Coughing after vaccine", channel="email", text="x", by=None)
    by_tag = add_audience(incident=incident, tag="Vaccine-Batch-7", by=world.supervisor)
    assert by_tag.added == 1
    task = OutreachTask.objects.get(incident=incident, customer=world.customer)
    assert task.source == "tag:vaccine-batch-7"
    # Continuity: Maria's own vet has room.
    assert task.owner_id == world.colleague.pk
    by_search = add_audience(incident=incident, search="vaccine", by=world.supervisor)
    assert (by_search.added, by_search.already) == (1, 1)


def test_only_supervisors_declare_incidents_and_closed_ones_take_nobody(world: World) -> None:
    with pytest.raises(NotAllowed):
        create_incident(title="Outage", by=world.agent)
    with pytest.raises(ActionError, match="placeholder"):
        create_incident(title="Outage", message_draft="Hi {first}", by=world.supervisor)
    with pytest.raises(ActionError, match="tier"):
        create_incident(
            title="Outage",
            priority_rules=[{"label": "x", "tier": 7, "tag": "a"}],
            by=world.supervisor,
        )
    incident = create_incident(title="Outage", by=world.supervisor)
    with pytest.raises(NotAllowed):
        add_audience(incident=incident, customers=[world.customer], by=world.agent)
    close_incident(incident=incident, by=world.supervisor)
    with pytest.raises(ActionError, match="closed"):
        add_audience(incident=incident, customers=[world.customer], by=world.supervisor)
