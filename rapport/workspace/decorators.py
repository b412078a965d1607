"""Every workspace page is for a signed-in agent, shown in that agent's time zone."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from rapport.people.models import Agent

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)
AgentView = Callable[Concatenate[HttpRequest, Agent, P], R]


def agent_required(
    view: AgentView[P, R],
) -> Callable[Concatenate[HttpRequest, P], R | HttpResponse]:
    """Sign-in required; a user without an agent profile gets a clear 403, not a crash."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> R | HttpResponse:
        try:
            agent = request.user.agent  # type: ignore[union-attr]
        except Agent.DoesNotExist:
            return render(request, "workspace/no_agent.html", status=403)
        with timezone.override(agent.timezone):
            return view(request, agent, *args, **kwargs)

    return cast(Callable[Concatenate[HttpRequest, P], R | HttpResponse], login_required(wrapper))


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request that wants a fragment (a history restore wants the whole page)."""
    details = getattr(request, "htmx", None)
    return bool(details) and not getattr(details, "history_restore_request", False)
