"""/agents: the people a case or customer can be given to."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router

from rapport.api.auth import agent_of
from rapport.api.customers import READ_ERRORS
from rapport.api.pagination import Keyset, keyset_page
from rapport.api.schemas import AgentOut, AgentPage, PageQuery
from rapport.people.models import Agent

router = Router(tags=["agents"])
BY_NAME = Keyset("display_name", descending=False)


def _agents() -> QuerySet[Agent]:
    # Every agent may see every colleague: cases and customers are handed between teams.
    return (
        Agent.objects.filter(user__is_active=True)
        .select_related("user", "site")
        .prefetch_related("teams")
    )


@router.get("", response={200: AgentPage, **READ_ERRORS}, summary="List agents")
def list_agents(request: HttpRequest, page: Query[PageQuery]) -> AgentPage:
    agents, next_cursor = keyset_page(
        _agents(), keyset=BY_NAME, limit=page.limit, cursor=page.cursor
    )
    return AgentPage(items=[AgentOut.of(a) for a in agents], next=next_cursor)


@router.get("/me", response={200: AgentOut, **READ_ERRORS}, summary="You")
def me(request: HttpRequest) -> AgentOut:
    """The agent the token (or session) belongs to."""
    return AgentOut.of(_agents().get(pk=agent_of(request).pk))
