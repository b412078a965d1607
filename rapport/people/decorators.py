"""Every page of the desk is for a signed-in agent, shown in that agent's time zone; some are for
supervisors only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar, cast, overload

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
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


@overload
def supervisor_required(view: AgentView[P, R], /) -> AgentView[P, R]: ...


@overload
def supervisor_required(*, hidden: bool = True) -> Callable[[AgentView[P, R]], AgentView[P, R]]: ...


def supervisor_required(
    view: AgentView[P, R] | None = None, /, *, hidden: bool = True
) -> AgentView[P, R] | Callable[[AgentView[P, R]], AgentView[P, R]]:
    """For supervisors only; goes under `@agent_required`. Anyone else gets the 404 of a page that
    is not there, or with `hidden=False` (a button they see on a page of theirs) a 403 saying
    why. The check runs before the view reads anything, so the answer never depends on an id."""

    def decorate(view: AgentView[P, R]) -> AgentView[P, R]:
        @wraps(view)
        def wrapper(request: HttpRequest, agent: Agent, /, *args: P.args, **kwargs: P.kwargs) -> R:
            if not agent.is_supervisor:
                if hidden:
                    raise Http404("No such page")
                raise PermissionDenied("Only a supervisor can do this.")
            return view(request, agent, *args, **kwargs)

        return wrapper

    return decorate if view is None else decorate(view)
