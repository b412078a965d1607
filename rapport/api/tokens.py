"""/tokens: API tokens. Your own; a supervisor sees and revokes everyone's (`everyone=true`)."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus

from rapport.api.auth import agent_of
from rapport.api.customers import READ_ERRORS, WRITE_ERRORS
from rapport.api.pagination import Keyset, keyset_page
from rapport.api.schemas.base import Id, Input, PageQuery
from rapport.people.access import token_for_agent, tokens_for_agent
from rapport.people.actions.security import issue_api_token, revoke_api_token
from rapport.people.models import ApiToken, TokenState

router = Router(tags=["tokens"])
NEWEST_FIRST = Keyset("created_at", descending=True)


class ApiTokenOut(Schema):
    id: int
    agent_id: int
    agent_name: str
    name: str
    prefix: str = Field(description="The first characters of the token, to recognise it.")
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    state: TokenState

    @classmethod
    def of(cls, token: ApiToken) -> Self:
        return cls(
            id=token.pk,
            agent_id=token.agent_id,
            agent_name=token.agent.display_name,
            name=token.name,
            prefix=token.prefix,
            created_at=token.created_at,
            expires_at=token.expires_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
            state=token.state,
        )


class ApiTokenCreatedOut(ApiTokenOut):
    token: str = Field(description="The token itself: shown in this answer only, never again.")


class ApiTokenPage(Schema):
    items: list[ApiTokenOut]
    next: str | None


class ApiTokenQuery(PageQuery):
    everyone: bool = Field(False, description="Supervisors: every agent's tokens.")


class ApiTokenIn(Input):
    name: str = Field(min_length=1, max_length=100, description="What it is for.")
    days: int | None = Field(
        None,
        ge=1,
        le=settings.RAPPORT_API_TOKEN_MAX_DAYS,
        description=f"How long it works; default {settings.RAPPORT_API_TOKEN_DAYS} days.",
    )


@router.get("", response={200: ApiTokenPage, **READ_ERRORS}, summary="List API tokens")
def list_tokens(request: HttpRequest, filters: Query[ApiTokenQuery]) -> ApiTokenPage:
    """Newest first, with expired and revoked ones (see `state`); never the secrets."""
    tokens = tokens_for_agent(agent_of(request), everyone=filters.everyone)
    page, next_cursor = keyset_page(
        tokens, keyset=NEWEST_FIRST, limit=filters.limit, cursor=filters.cursor
    )
    return ApiTokenPage(items=[ApiTokenOut.of(t) for t in page], next=next_cursor)


@router.post("", response={201: ApiTokenCreatedOut, **WRITE_ERRORS}, summary="Create an API token")
def create_token(request: HttpRequest, payload: ApiTokenIn) -> HttpStatus[ApiTokenCreatedOut]:
    """A new token for you; the answer holds the token itself, once."""
    agent = agent_of(request)
    issued = issue_api_token(agent=agent, name=payload.name, days=payload.days, by=agent)
    out = ApiTokenOut.of(issued.token).model_dump()
    return HttpStatus(201, ApiTokenCreatedOut(**out, token=issued.raw))


@router.delete(
    "/{int:token_id}", response={200: ApiTokenOut, **WRITE_ERRORS}, summary="Revoke an API token"
)
def revoke_token(request: HttpRequest, token_id: Id) -> ApiTokenOut:
    """It stops working at once; revoking it again changes nothing. Yours, or any for a
    supervisor; someone else's is a 404."""
    agent = agent_of(request)
    token = revoke_api_token(token=token_for_agent(agent, token_id), by=agent)
    return ApiTokenOut.of(token)
