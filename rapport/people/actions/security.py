"""API tokens and the sign-in audit."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from rapport.lib.clientip import client_ip
from rapport.lib.errors import ActionError
from rapport.people.models import Agent, ApiToken, SecurityEvent, SecurityEventKind


class IssuedToken(NamedTuple):
    token: ApiToken
    raw: str  # shown once; only its hash is stored


@transaction.atomic
def issue_api_token(
    *, agent: Agent, name: str, days: int | None = None, by: Agent | None = None
) -> IssuedToken:
    """Create a token that works for `days` (default RAPPORT_API_TOKEN_DAYS) and audit it."""
    name = name.strip()
    if not name:
        raise ActionError("Give the token a name saying what it is for.", field="name")
    if len(name) > 100:
        raise ActionError("A token's name is at most 100 characters.", field="name")
    days = settings.RAPPORT_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.RAPPORT_API_TOKEN_MAX_DAYS:
        raise ActionError(
            f"A token lasts from 1 to {settings.RAPPORT_API_TOKEN_MAX_DAYS} days.", field="days"
        )
    if not agent.user.is_active:
        raise ActionError(f"{agent.display_name} cannot sign in, so cannot hold a token.")
    raw = f"rp_{secrets.token_urlsafe(32)}"
    created = timezone.now()
    token = ApiToken.objects.create(
        agent=agent,
        name=name,
        prefix=raw[:10],
        key_hash=ApiToken.hash(raw),
        created_at=created,
        expires_at=created + timedelta(days=days),
    )
    record_security_event(
        kind=SecurityEventKind.TOKEN_CREATED,
        user=agent.user,
        actor=by if by is not None and by.pk != agent.pk else None,
        detail=f"{token} for {days} days",
    )
    return IssuedToken(token, raw)


@transaction.atomic
def revoke_api_token(*, token: ApiToken, by: Agent | None) -> ApiToken:
    """Stop a token at once; revoking one already revoked changes nothing."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    token.refresh_from_db(fields=["revoked_at", "revoked_by"])
    if revoked:
        record_security_event(
            kind=SecurityEventKind.TOKEN_REVOKED,
            user=token.agent.user,
            actor=by if by is not None and by.pk != token.agent_id else None,
            detail=str(token),
        )
    return token


def record_security_event(
    *,
    kind: SecurityEventKind,
    request: HttpRequest | None = None,
    user: AbstractBaseUser | None = None,
    username: str = "",
    actor: Agent | None = None,
    detail: str = "",
) -> SecurityEvent:
    """One row of the sign-in audit, with the client's address when there is a request."""
    user_agent = ""
    ip_address = None
    if request is not None:
        ip_address = client_ip(request) or None
        user_agent = str(request.headers.get("User-Agent", ""))[:300]
    return SecurityEvent.objects.create(
        kind=kind,
        user_id=user.pk if user is not None else None,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        actor=actor,
        ip_address=ip_address,
        user_agent=user_agent,
        detail=detail[:300],
    )
