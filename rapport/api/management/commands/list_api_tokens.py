"""`rapport list-api-tokens [--agent USERNAME] [--all]`: the tokens, never their secrets."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from rapport.people.models import ApiToken, TokenState


def _when(value: Any) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else "-"


class Command(BaseCommand):
    help = "List API tokens (id, agent, name, prefix, expiry, last use, state); never the keys."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--agent", help="Only this agent's tokens (username).")
        parser.add_argument(
            "--all", action="store_true", help="Include expired and revoked tokens."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tokens = ApiToken.objects.select_related("agent__user").order_by(
            "agent__user__username", "pk"
        )
        if options["agent"]:
            tokens = tokens.filter(agent__user__username=options["agent"])
        rows = [t for t in tokens if options["all"] or t.state == TokenState.ACTIVE]
        self.stdout.write("id\tagent\tname\tprefix\tcreated\texpires\tlast used\tstate (UTC times)")
        for t in rows:
            self.stdout.write(
                "\t".join(
                    [
                        str(t.pk),
                        t.agent.user.get_username(),
                        t.name,
                        f"{t.prefix}…",
                        _when(t.created_at),
                        _when(t.expires_at),
                        _when(t.last_used_at),
                        str(t.state.value),
                    ]
                )
            )
        if not rows:
            self.stderr.write(
                "No tokens." if options["all"] else "No active tokens (--all shows the rest)."
            )
