"""Permission-checked reads: "missing" and "not yours" are the same 404."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from rapport.cases.models import Case, Message
from rapport.people.models import Agent, Customer


def _team_ids(agent: Agent) -> list[int]:
    cached: list[int] | None = getattr(agent, "_team_ids", None)
    if cached is None:
        cached = list(agent.teams.values_list("pk", flat=True))
        agent._team_ids = cached  # type: ignore[attr-defined]
    return cached


def cases_for_agent(agent: Agent) -> QuerySet[Case]:
    """Every case this agent may see: supervisors all, agents their teams' and their own."""
    if agent.is_supervisor:
        return Case.objects.all()
    return _visible_cases(agent)


def case_for_agent(agent: Agent, case_id: int) -> Case:
    case = (
        cases_for_agent(agent)
        .select_related("customer", "owner", "team", "customer__owner", "customer__deputy")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404("No such case")
    return case


def _visible_cases(agent: Agent) -> QuerySet[Case]:
    return Case.objects.filter(Q(team_id__in=_team_ids(agent)) | Q(owner=agent))


def customers_for_agent(agent: Agent) -> QuerySet[Customer]:
    """Customers this agent serves: through a visible case or the relationship itself."""
    customers = Customer.objects.filter(merged_into__isnull=True)
    if agent.is_supervisor:
        return customers
    # A correlated EXISTS walks each customer's own cases (index `case_customer`) instead of
    # collecting the customer ids of every case the agent can see.
    return customers.filter(
        Q(owner=agent)
        | Q(deputy=agent)
        | Exists(_visible_cases(agent).filter(customer_id=OuterRef("pk")))
    )


def customer_for_agent(agent: Agent, customer_id: int) -> Customer:
    customer = (
        Customer.objects.filter(merged_into__isnull=True)
        .select_related("owner", "deputy", "organization")
        .filter(pk=customer_id)
        .first()
    )
    if customer is None or not _serves(agent, customer):
        raise Http404("No such customer")
    return customer


def _serves(agent: Agent, customer: Customer) -> bool:
    if agent.is_supervisor or agent.pk in (customer.owner_id, customer.deputy_id):
        return True
    return _visible_cases(agent).filter(customer_id=customer.pk).exists()


def message_for_agent(agent: Agent, message_id: int) -> Message:
    message = (
        Message.objects.select_related("case")
        .filter(pk=message_id, case__in=cases_for_agent(agent))
        .first()
    )
    if message is None:
        raise Http404("No such message")
    return message


def agent_can_see_case(agent: Agent, case: Case) -> bool:
    return agent.is_supervisor or case.owner_id == agent.pk or case.team_id in _team_ids(agent)
