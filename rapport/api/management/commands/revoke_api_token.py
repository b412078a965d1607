"""`rapport revoke-api-token ID`: the token stops working at once (see list-api-tokens)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.people.actions.security import revoke_api_token
from rapport.people.models import ApiToken


class Command(BaseCommand):
    help = "Revoke an API token by its id or its prefix (rp_...); it stops working at once."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("token", help="The id from list-api-tokens, or the token's prefix.")

    def handle(self, *args: Any, **options: Any) -> None:
        wanted: str = options["token"].strip().rstrip("…")
        tokens = ApiToken.objects.select_related("agent")
        matches = list(
            tokens.filter(pk=int(wanted)) if wanted.isdigit() else tokens.filter(prefix=wanted)
        )
        if not matches:
            raise CommandError(f"There is no API token {wanted!r}; see `rapport list-api-tokens`.")
        if len(matches) > 1:
            raise CommandError(f"{len(matches)} tokens start with {wanted!r}; give the id.")
        token = matches[0]
        was_active = token.revoked_at is None
        token = revoke_api_token(token=token, by=None)
        state = "revoked" if was_active else "was already revoked"
        self.stdout.write(f"Token {token.pk} {token.name!r} of {token.agent.display_name} {state}.")
