"""What the `rapport` commands share about people: the agent a command acts as."""

from __future__ import annotations

from django.core.management.base import CommandError

from rapport.people.models import Agent


def active_agent(username: str) -> Agent:
    """The active agent with this username, or the command's error saying there is none."""
    agent = Agent.objects.filter(user__username=username, user__is_active=True).first()
    if agent is None:
        raise CommandError(f"There is no active agent called {username!r}.")
    return agent
