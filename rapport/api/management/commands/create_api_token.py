"""`rapport create-api-token --agent USERNAME --name NAME [--days N]`: prints a new token once."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rapport.lib.errors import ActionError
from rapport.people.actions.security import issue_api_token
from rapport.people.commands import active_agent


class Command(BaseCommand):
    help = "Create an API token for an agent and print it; only its hash is stored."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--agent", required=True, help="The agent's username.")
        parser.add_argument("--name", required=True, help="What the token is for, e.g. 'CRM sync'.")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=(
                f"How many days the token works (default {settings.RAPPORT_API_TOKEN_DAYS}, "
                f"at most {settings.RAPPORT_API_TOKEN_MAX_DAYS})."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name: str = options["name"].strip()
        if not name:
            raise CommandError("Give the token a --name saying what it is for.")
        agent = active_agent(options["agent"])
        try:
            issued = issue_api_token(agent=agent, name=name, days=options["days"])
        except ActionError as error:
            raise CommandError(error.message) from error
        self.stdout.write(issued.raw)
        self.stderr.write(
            f"Token {name!r} (id {issued.token.pk}) for {agent.display_name}, works until "
            f"{issued.token.expires_at:%Y-%m-%d %H:%M} UTC. It is shown only this once; "
            "send it as 'Authorization: Bearer <token>'."
        )
