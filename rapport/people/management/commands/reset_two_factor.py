"""`rapport reset-two-factor USERNAME`: forget an agent's authenticator app (a lost phone)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from rapport.people.twofactor import remove_apps


class Command(BaseCommand):
    help = (
        "Remove a user's authenticator app; they set up a new one at their next sign-in "
        "(supervisors, or everyone with RAPPORT_TWO_FACTOR_FOR_ALL)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"There is no user {options['username']!r}.")
        removed = remove_apps(user=user, by=None, reason="rapport reset-two-factor")
        if removed:
            self.stdout.write(f"Removed the authenticator app of {user.get_username()}.")
        else:
            self.stdout.write(f"{user.get_username()} had no authenticator app.")
