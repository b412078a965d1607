"""Permission-checked reads of people and credentials: "missing" and "not yours" are the same 404.

Agents, teams and sites are the desk's directory: every agent sees them all (the owner pickers,
GET /agents). An agent sees their own API tokens, a supervisor everyone's."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404

from rapport.lib.access import one
from rapport.lib.errors import ActionError
from rapport.people.models import (
    Agent,
    ApiToken,
    Brand,
    Customer,
    Identity,
    RapportNote,
    Site,
    Team,
)


def agent_by_id(agent_id: int) -> Agent:
    return one(Agent.objects.all(), agent_id, what="agent")


def team_by_id(team_id: int) -> Team:
    return one(Team.objects.all(), team_id, what="team")


def site_by_id(site_id: int) -> Site:
    return one(Site.objects.prefetch_related("closures"), site_id, what="site")


def brand_by_id(brand_id: int) -> Brand:
    return one(Brand.objects.all(), brand_id, what="business")


def agents_by_ids(agent_ids: Iterable[int], *, field: str) -> list[Agent]:
    """The agents someone chose (a team's members), in the order of their names; an id that
    names nobody is refused, naming it, before anything is written."""
    wanted = set(agent_ids)
    found = list(Agent.objects.filter(pk__in=wanted).order_by("display_name"))
    missing = sorted(wanted - {agent.pk for agent in found})
    if missing:
        raise ActionError(f"There is no agent #{missing[0]}.", field=field)
    return found


def brand_by_slug(slug: str) -> Brand:
    """A business's public contact page is open to anyone: only a missing one is a 404."""
    brand = Brand.objects.filter(slug=slug).first()
    if brand is None:
        raise Http404("No such business")
    return brand


# A customer's own rows, once the caller holds a customer the agent may see (customer_for_agent).


def identity_of(customer: Customer, identity_id: int) -> Identity:
    return one(customer.identities.all(), identity_id, what="identity")


def rapport_note_of(customer: Customer, note_id: int) -> RapportNote:
    return one(customer.rapport_notes.select_related("customer"), note_id, what="note")


def tokens_for_agent(agent: Agent, *, everyone: bool = False) -> QuerySet[ApiToken]:
    """The agent's own tokens; with `everyone`, a supervisor's view of all of them."""
    tokens = ApiToken.objects.select_related("agent", "revoked_by")
    if everyone and agent.is_supervisor:
        return tokens
    return tokens.filter(agent=agent)


def token_for_agent(agent: Agent, token_id: int) -> ApiToken:
    return one(tokens_for_agent(agent, everyone=True), token_id, what="token")
