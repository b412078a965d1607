"""Who is calling: an agent by bearer token, or a signed-in agent's browser session."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar, overload

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from rapport.lib.errors import Forbidden
from rapport.people.models import Agent, ApiToken
from rapport.people.twofactor import SecondFactor, second_factor

P = ParamSpec("P")
T = TypeVar("T")
Operation = Callable[Concatenate[HttpRequest, P], T]

# Stamping every request would turn each read into a write; a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer rp_...`, checked against the stored SHA-256 of the token."""

    def authenticate(self, request: HttpRequest, token: str) -> Agent | None:
        token = token.strip()
        if not token:
            return None
        now = timezone.now()
        found = (
            ApiToken.objects.select_related("agent", "agent__user")
            .filter(key_hash=ApiToken.hash(token), revoked_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if found is None or not found.agent.user.is_active:
            return None
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_PRECISION:
            # Bookkeeping of the credential, not domain state: a conditional update so that
            # concurrent requests stamp it once.
            ApiToken.objects.filter(pk=found.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
            ).update(last_used_at=now)
        return found.agent


class SessionAuth(APIKeyCookie):
    """The browser session of a signed-in agent (so the interactive docs work); CSRF enforced.

    Unlike ninja's own SessionAuth, the CSRF check runs only once a session has been found, so a
    request with neither a token nor a session gets a 401 rather than a CSRF 403.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Agent | None:
        agent = self.authenticate(request, request.COOKIES.get(self.param_name))
        if agent is None:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, "CSRF check Failed")
        return agent

    def authenticate(self, request: HttpRequest, key: str | None) -> Agent | None:
        user = request.user
        if not key or not user.is_authenticated or not user.is_active:
            return None
        if second_factor(request) is not SecondFactor.DONE:
            return None  # signed in with the password only: the code comes first
        return Agent.objects.filter(user_id=user.pk).first()


def agent_of(request: HttpRequest) -> Agent:
    """The agent an authenticated request acts as."""
    agent = getattr(request, "auth", None)
    if not isinstance(agent, Agent):  # pragma: no cover - every operation requires auth
        raise TypeError("the API operation ran without an authenticated agent")
    return agent


@overload
def supervisor_required(operation: Operation[P, T], /) -> Operation[P, T]: ...


@overload
def supervisor_required(*, hidden: bool = True) -> Callable[[Operation[P, T]], Operation[P, T]]: ...


def supervisor_required(
    operation: Operation[P, T] | None = None, /, *, hidden: bool = True
) -> Operation[P, T] | Callable[[Operation[P, T]], Operation[P, T]]:
    """An operation for supervisors only; goes under the `@router` line. Anyone else gets the 404
    of an endpoint that is not there, or with `hidden=False` (a decision on something they can
    read) a 403 saying why. Authentication has run by then (no token: 401); the check comes
    before any id is read, so the answer never depends on one."""

    def decorate(operation: Operation[P, T]) -> Operation[P, T]:
        @wraps(operation)
        def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> T:
            if not agent_of(request).is_supervisor:
                if hidden:
                    raise Http404("No such endpoint")
                raise Forbidden("Only a supervisor can do this.")
            return operation(request, *args, **kwargs)

        # ninja reads the parameters' types from the signature, resolved in the operation's own
        # module (a wrapper's string annotations would be looked up in this one).
        wrapper.__signature__ = inspect.signature(operation, eval_str=True)  # type: ignore[attr-defined]
        return wrapper

    return decorate if operation is None else decorate(operation)
