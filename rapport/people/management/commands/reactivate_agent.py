"""`rapport reactivate-agent USERNAME`: a deactivated agent works here again (they sign in with
their old password; one who never chose one is mailed a new invitation). The same action as
Supervisor > Agents and `POST /api/v1/agents/{id}/reactivate`."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.lib.errors import ActionError
from rapport.people.actions.staff import reactivate_agent
from rapport.people.models import Agent, AgentState


class Command(BaseCommand):
    help = "Reactivate a deactivated agent."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        agent = Agent.objects.select_related("user").filter(user__username=options["username"])
        found = agent.first()
        if found is None:
            raise CommandError(f"There is no agent {options['username']!r}.")
        try:
            back = reactivate_agent(agent=found, by=None)
        except ActionError as exc:
            raise CommandError(exc.message) from exc
        if back.state is AgentState.ACTIVE:
            self.stdout.write(f"{back.display_name} can sign in again.")
        else:
            self.stdout.write(
                f"{back.display_name} never chose a password: a new invitation is queued to "
                f"{back.user.email}."
            )
