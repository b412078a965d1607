"""Deactivating an agent: they leave the desk without losing their history. Their user can no
longer sign in (`is_active` False; sessions and API tokens stop working), routing stops giving
them cases, and each open case they own is handed over with its audit event: to the person the
supervisor chose, else to whom routing would give it now. The customers they looked after go
to their deputy, else to whoever now has their open case, else to the supervisor's choice; the
features hand over the rest (care: the promises they still had to keep) through
`on_agent_deactivated`. It lives in routing because routing decides the new owners; reactivating
only touches people (`rapport.people.actions.staff`).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rapport.cases.actions.assignment import assign_case
from rapport.cases.models import ACTIVE_STATUSES, Case
from rapport.lib.errors import ActionError
from rapport.people.actions.relationship import set_relationship
from rapport.people.actions.security import record_security_event, revoke_api_token
from rapport.people.actions.staff import check_not_last_supervisor, require_supervisor
from rapport.people.models import Agent, AgentState, Customer, Invitation, SecurityEventKind
from rapport.routing.hooks import AgentDeactivated, Deactivation, on_agent_deactivated
from rapport.routing.service import decide, loads_cache

__all__ = ["Deactivation", "deactivate_agent"]


@transaction.atomic
def deactivate_agent(
    *,
    agent: Agent,
    by: Agent | None,
    hand_over_to: Agent | None = None,
    now: datetime | None = None,
) -> Deactivation:
    """Take `agent` off the desk; nothing of theirs is deleted. Refused (and nothing changed)
    when a case of theirs would be left with nobody: no one else works for its business."""
    require_supervisor(by, "deactivate an agent")
    now = now or timezone.now()
    agent = Agent.objects.select_for_update().select_related("user").get(pk=agent.pk)
    if agent.state is AgentState.DEACTIVATED:
        raise ActionError(f"{agent.display_name} is deactivated already.")
    check_not_last_supervisor(agent, by, doing="deactivate")
    if hand_over_to is not None:
        hand_over_to = Agent.objects.select_related("user").get(pk=hand_over_to.pk)  # as stored
        if hand_over_to.pk == agent.pk:
            raise ActionError(
                "Hand their cases to someone else, or let routing choose.", field="hand_over_to"
            )
        if not hand_over_to.user.is_active:
            raise ActionError(
                f"{hand_over_to.display_name} cannot sign in, so cannot take cases.",
                field="hand_over_to",
            )
    user = agent.user
    user.is_active = False  # routing's remembered agents are forgotten on save
    user.save(update_fields=["is_active"])
    agent.deactivated_at = now
    agent.save(update_fields=["deactivated_at"])
    Invitation.objects.filter(agent=agent, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    for token in agent.api_tokens.filter(revoked_at__isnull=True):
        revoke_api_token(token=token, by=by)
    # A case a stand-in holds while they were away must not wait for them to come back.
    Case.objects.filter(return_to=agent).update(return_to=None)
    result = Deactivation(agent)
    reason = f"{agent.display_name} was deactivated"
    took_over: dict[int, Agent] = {}  # customer id: who now has their open case
    cases = Case.objects.filter(owner=agent, status__in=ACTIVE_STATUSES).select_related(
        "brand", "customer"
    )
    with loads_cache.holding():
        for case in cases.order_by("pk"):
            owner = hand_over_to if _works_for(hand_over_to, case) else _routed(case, now=now)
            if owner is None:
                where = f" for {case.brand.name}" if case.brand is not None else ""
                raise ActionError(
                    f"Nobody else works{where} to take case {case.reference}: add someone to "
                    f"its team first, then deactivate {agent.display_name}."
                )
            assign_case(case=case, owner=owner, by=by, reason=reason)
            result.handed_over[case.pk] = owner
            if case.customer_id is not None:
                took_over[case.customer_id] = owner
    _hand_over_customers(agent, result, took_over=took_over, hand_over_to=hand_over_to, by=by)
    on_agent_deactivated.send(
        AgentDeactivated(done=result, by=by, hand_over_to=hand_over_to, at=now)
    )
    record_security_event(
        kind=SecurityEventKind.AGENT_DEACTIVATED,
        user=user,
        actor=by,
        detail=_summary(result),
    )
    return result


def _hand_over_customers(
    agent: Agent,
    result: Deactivation,
    *,
    took_over: dict[int, Agent],
    hand_over_to: Agent | None,
    by: Agent | None,
) -> None:
    """Each customer they looked after goes to their deputy, else to whoever now has their open
    case, else to the supervisor's choice; else nobody yet (the next person who helps them
    becomes their owner). A customer whose deputy they were loses only the deputy."""
    customers = Customer.objects.filter(Q(owner=agent) | Q(deputy=agent)).select_related(
        "deputy__user"
    )
    for customer in customers.order_by("pk"):
        if customer.owner_id != agent.pk:
            set_relationship(customer=customer, owner=customer.owner, deputy=None, by=by)
            continue
        deputy = customer.deputy
        if deputy is not None and deputy.user.is_active:
            successor: Agent | None = deputy
        else:
            successor = took_over.get(customer.pk, hand_over_to)
        set_relationship(customer=customer, owner=successor, deputy=None, by=by)
        result.customers[customer.pk] = successor


def _summary(result: Deactivation) -> str:
    counts = (
        (len(result.handed_over), "open case"),
        (len(result.customers), "customer"),
        (len(result.promises), "promise"),
    )
    said = [f"{number} {noun}{'s' if number != 1 else ''}" for number, noun in counts if number]
    return f"{', '.join(said)} handed over" if said else "nothing to hand over"


def _works_for(agent: Agent | None, case: Case) -> bool:
    """The chosen successor, unless the case belongs to a business they do not work for."""
    if agent is None:
        return False
    return case.brand_id is None or agent.teams.filter(brand_id=case.brand_id).exists()


def _routed(case: Case, *, now: datetime) -> Agent | None:
    decision = decide(case, now=now)
    if decision is None:
        return None
    return Agent.objects.filter(pk=decision.agent_id).first()
