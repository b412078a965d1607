"""`rapport create-api-token --agent USERNAME --name NAME`: prints a new API token once."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.people.actions import issue_api_token
from rapport.people.models import Agent


class Command(BaseCommand):
    help = "Create an API token for an agent and print it; only its hash is stored."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--agent", required=True, help="The agent's username.")
        parser.add_argument("--name", required=True, help="What the token is for, e.g. 'CRM sync'.")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["agent"]
        name: str = options["name"].strip()
        if not name:
            raise CommandError("Give the token a --name saying what it is for.")
        agent = Agent.objects.filter(user__username=username, user__is_active=True).first()
        if agent is None:
            raise CommandError(f"There is no active agent with the username {username!r}.")
        raw = issue_api_token(agent=agent, name=name)
        self.stdout.write(raw)
        self.stderr.write(
            f"Token {name!r} for {agent.display_name}. It is shown only this once; "
            "send it as 'Authorization: Bearer <token>'."
        )
