"""Permission-checked reads of credentials: an agent sees their own API tokens, a supervisor
everyone's; "missing" and "not yours" are the same 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from rapport.people.models import Agent, ApiToken


def tokens_for_agent(agent: Agent, *, everyone: bool = False) -> QuerySet[ApiToken]:
    """The agent's own tokens; with `everyone`, a supervisor's view of all of them."""
    tokens = ApiToken.objects.select_related("agent", "revoked_by")
    if everyone and agent.is_supervisor:
        return tokens
    return tokens.filter(agent=agent)


def token_for_agent(agent: Agent, token_id: int) -> ApiToken:
    token = tokens_for_agent(agent, everyone=True).filter(pk=token_id).first()
    if token is None:
        raise Http404("No such token")
    return token
