"""`rapport create-team SLUG --name NAME`: a team whose cases its members see and take."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.lib.errors import ActionError
from rapport.people.actions.agents import create_team
from rapport.people.models import Brand


class Command(BaseCommand):
    help = "Create a team; add agents to it with `rapport create-agent --team SLUG`."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("slug", help="short name used on the command line, e.g. night-clinic")
        parser.add_argument("--name", required=True, help="as agents read it, e.g. 'Night clinic'")
        parser.add_argument("--brand", default="", help="the business it works for (its slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        brand = None
        if options["brand"]:
            brand = Brand.objects.filter(slug=options["brand"]).first()
            if brand is None:
                raise CommandError(f"No business {options['brand']!r}: see `rapport create-brand`.")
        try:
            team = create_team(name=options["name"], slug=options["slug"], brand=brand)
        except ActionError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Team {team.name!r} ({team.slug}) created.")
