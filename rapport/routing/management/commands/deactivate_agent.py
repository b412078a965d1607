"""`rapport deactivate-agent USERNAME [--hand-over-to USERNAME]`: someone leaves the desk.

They can no longer sign in, routing stops giving them cases and their API tokens are revoked;
nothing of theirs is deleted. Each open case they own goes to the agent named, else to whom
routing chooses, with its audit event; the customers they looked after and the promises they
still had to keep get a new named person too (docs/agents.md).
`rapport reactivate-agent USERNAME` brings them back.
The same action as Supervisor > Agents and `POST /api/v1/agents/{id}/deactivate`.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.lib.errors import ActionError
from rapport.people.models import Agent
from rapport.routing.actions.staff import deactivate_agent
from rapport.routing.hooks import deactivation_said


def agent_named(username: str) -> Agent:
    agent = Agent.objects.select_related("user").filter(user__username=username).first()
    if agent is None:
        raise CommandError(f"There is no agent {username!r}.")
    return agent


class Command(BaseCommand):
    help = "Deactivate an agent: no sign-in, no new cases; their open cases are handed over."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--hand-over-to", default="", help="who takes their open cases (default: routing)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        agent = agent_named(options["username"])
        successor = agent_named(options["hand_over_to"]) if options["hand_over_to"] else None
        try:
            done = deactivate_agent(agent=agent, by=None, hand_over_to=successor)
        except ActionError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(deactivation_said(done))
        for case_id, owner in sorted(done.handed_over.items()):
            self.stdout.write(f"  case #{case_id} -> {owner.display_name}")
        for customer_id, person in sorted(done.customers.items()):
            self.stdout.write(
                f"  customer #{customer_id} -> {person.display_name if person else 'nobody yet'}"
            )
        for promise_id, owner in sorted(done.promises.items()):
            self.stdout.write(f"  promise #{promise_id} -> {owner.display_name}")
