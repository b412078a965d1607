"""Issue 14: deactivating an agent never deletes; they are out of routing and their open cases
are handed over, each with its audit event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from rapport.cases.models import Case, CaseEvent, CaseEventKind, Notification, NotificationKind
from rapport.lib.errors import ActionError, Forbidden
from rapport.people.models import AgentState, Brand, SecurityEvent, SecurityEventKind, Team
from rapport.routing.actions.opening import open_case
from rapport.routing.actions.staff import deactivate_agent
from rapport.routing.escalation import sweep
from rapport.routing.service import load_candidates
from tests.conftest import World
from tests.routing.test_escalation import START, new_email_case


def test_her_cases_go_to_the_colleague_chosen_and_her_history_stays(world: World) -> None:
    ana, ben = world.agent, world.colleague
    token = world.token_for(ana)
    session = world.client_for(ana)
    resolved = open_case(
        customer=world.customer,
        subject="Old",
        channel="phone",
        text="Done",
        by=ana,
        owner=ana,
        team=world.clinic,
    )
    Case.objects.filter(pk=resolved.pk).update(status="resolved")
    done = deactivate_agent(agent=ana, by=world.supervisor, hand_over_to=ben)
    assert done.handed_over == {world.case.pk: ben}
    ana.refresh_from_db()
    assert ana.state is AgentState.DEACTIVATED and not ana.user.is_active
    world.case.refresh_from_db()
    assert world.case.owner == ben
    assert Case.objects.get(pk=resolved.pk).owner == ana  # her closed work stays hers
    event = CaseEvent.objects.filter(case=world.case, kind=CaseEventKind.ASSIGNED).get()
    assert event.reason == "Dr. Ana Ortiz was deactivated" and event.actor == world.supervisor
    assert CaseEvent.objects.filter(case=world.case, kind=CaseEventKind.OPENED, actor=ana).exists()
    told = Notification.objects.get(agent=ben, kind=NotificationKind.HANDOVER)
    assert "Dr. Ana Ortiz was deactivated" in told.text
    # Out of routing, out of the desk: no session, no token, no place in the pickers.
    assert ana.pk not in {c.agent_id for c in load_candidates(now=timezone.now())}
    assert session.get("/")["Location"].startswith("/login/")
    api = Client().get("/api/v1/agents/me", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 401
    assert ana.api_tokens.filter(revoked_at__isnull=True).count() == 0
    audit = SecurityEvent.objects.get(kind=SecurityEventKind.AGENT_DEACTIVATED)
    assert audit.actor == world.supervisor and audit.detail == "1 open case handed over"


def test_without_a_choice_routing_gives_each_case_to_someone_active(world: World) -> None:
    done = deactivate_agent(agent=world.agent, by=world.supervisor)
    [owner] = done.handed_over.values()
    assert owner.pk != world.agent.pk and owner.user.is_active
    world.case.refresh_from_db()
    assert world.case.owner == owner


def test_a_case_waiting_for_her_return_no_longer_waits(world: World) -> None:
    Case.objects.filter(pk=world.case.pk).update(owner=world.colleague, return_to=world.agent)
    deactivate_agent(agent=world.agent, by=world.supervisor)
    world.case.refresh_from_db()
    assert world.case.return_to is None and world.case.owner == world.colleague


def test_a_case_nobody_else_of_its_business_can_take_refuses_the_whole_change(
    world: World,
) -> None:
    vet = Brand.objects.create(name="Vet", slug="vet")
    only = Team.objects.create(name="Vet team", slug="vet-team", brand=vet)
    only.members.add(world.agent)
    case = open_case(
        customer=world.customer,
        subject="Vet",
        channel="phone",
        text="x",
        by=world.agent,
        owner=world.agent,
        team=only,
        brand=vet,
    )
    with pytest.raises(
        ActionError, match=f"Nobody else works for Vet to take case {case.reference}"
    ):
        deactivate_agent(agent=world.agent, by=world.supervisor, hand_over_to=world.colleague)
    world.agent.user.refresh_from_db()
    assert world.agent.user.is_active
    world.case.refresh_from_db()
    assert world.case.owner == world.agent  # the earlier hand-over was rolled back too
    # Ben joins the brand's team: he takes it (routing), and the clinic case too (chosen).
    only.members.add(world.colleague)
    done = deactivate_agent(agent=world.agent, by=world.supervisor, hand_over_to=world.colleague)
    assert done.handed_over == {world.case.pk: world.colleague, case.pk: world.colleague}


def test_refusals(world: World) -> None:
    with pytest.raises(Forbidden):
        deactivate_agent(agent=world.colleague, by=world.agent)
    with pytest.raises(ActionError, match="yourself"):
        deactivate_agent(agent=world.supervisor, by=world.supervisor)
    with pytest.raises(ActionError, match="only active supervisor"):
        deactivate_agent(agent=world.supervisor, by=None)
    with pytest.raises(ActionError, match="someone else"):
        deactivate_agent(agent=world.agent, by=world.supervisor, hand_over_to=world.agent)
    deactivate_agent(agent=world.colleague, by=world.supervisor)
    with pytest.raises(ActionError, match="cannot sign in"):
        deactivate_agent(agent=world.agent, by=world.supervisor, hand_over_to=world.colleague)
    with pytest.raises(ActionError, match="deactivated already"):
        deactivate_agent(agent=world.colleague, by=world.supervisor)


def test_a_breach_is_offered_to_the_team_not_to_a_deactivated_deputy(world: World) -> None:
    world.clinic.members.add(world.outsider)
    case = new_email_case(world)  # Ben's: the customer's own; Ana is her deputy
    assert case.owner_id == world.colleague.pk
    deactivate_agent(agent=world.agent, by=world.supervisor, hand_over_to=world.colleague)
    assert sweep(now=START + timedelta(hours=5)).breached == [case.pk]
    offers = Notification.objects.filter(kind=NotificationKind.SLA_OFFER, case=case)
    assert [n.agent_id for n in offers] == [world.outsider.pk]
