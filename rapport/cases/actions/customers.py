"""Finding the customer an agent means by an address they typed."""

from __future__ import annotations

from django.db import transaction

from rapport.cases.access import may_open_case_for
from rapport.cases.actions.events import notify_agent
from rapport.cases.models import NotificationKind
from rapport.cases.rules import (
    default_team,
)
from rapport.people.actions.customers import (
    create_likely_duplicate,
    find_or_create_customer,
    known_customers,
)
from rapport.people.actions.identities import normalise_identity
from rapport.people.models import Agent, Customer


@transaction.atomic
def customer_for_address(*, kind: str, value: str, name: str, by: Agent) -> Customer:
    """The customer an agent means by an address they typed: its holder when the agent may file
    a case on them (`may_open_case_for`), a new customer with it when nobody holds it; else a
    new customer without it, a likely duplicate, and the holder's owner and deputy are asked
    whether to merge the two. The holder is never shown to the agent."""
    normalised = normalise_identity(kind, value)
    holder = known_customers(kind=kind, values=[normalised]).get(normalised)
    if holder is None or may_open_case_for(by, holder):
        return find_or_create_customer(kind=kind, value=normalised, name=name, by=by)[0]
    customer = create_likely_duplicate(name=name, kind=kind, value=normalised, of=holder, by=by)
    team = default_team(by)
    opener = f"{by.display_name} ({team})" if team is not None else by.display_name
    text = (
        f"{opener} typed {normalised}, the address of your customer {holder.name} "
        f"(#{holder.pk}), for a new case, and it was filed under a new customer #{customer.pk}. "
        f"If it is the same person, a supervisor can merge #{customer.pk} into #{holder.pk}."
    )
    told = {agent_id for agent_id in (holder.owner_id, holder.deputy_id) if agent_id is not None}
    people = (
        Agent.objects.filter(pk__in=told)
        if told
        else Agent.objects.filter(is_supervisor=True, user__is_active=True)  # nobody's own
    )
    for agent in people.order_by("pk"):
        notify_agent(agent=agent, kind=NotificationKind.MERGE_SUGGESTION, text=text)
    return customer
