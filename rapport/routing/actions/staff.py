"""Deactivating an agent: they leave the desk without losing their history. Their user can no
longer sign in (`is_active` False; sessions and API tokens stop working), routing stops giving
them cases, and each open case they own is handed over with its audit event: to the person the
supervisor chose, else to whom routing would give it now. It lives in routing because routing
decides the new owners; reactivating only touches people (`rapport.people.actions.staff`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from rapport.cases.actions.assignment import assign_case
from rapport.cases.models import ACTIVE_STATUSES, Case
from rapport.lib.errors import ActionError
from rapport.people.actions.security import record_security_event, revoke_api_token
from rapport.people.actions.staff import check_not_last_supervisor, require_supervisor
from rapport.people.models import Agent, AgentState, Invitation, SecurityEventKind
from rapport.routing.service import decide, loads_cache


@dataclass
class Deactivation:
    agent: Agent
    # Each open case they owned, by id, and the agent who has it now.
    handed_over: dict[int, Agent] = field(default_factory=dict)


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
    handed = len(result.handed_over)
    record_security_event(
        kind=SecurityEventKind.AGENT_DEACTIVATED,
        user=user,
        actor=by,
        detail=f"{handed} open case{'s' if handed != 1 else ''} handed over",
    )
    return result


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
