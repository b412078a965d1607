"""`rapport create-site NAME --timezone ZONE [--country CC] [--region R]`: a place agents work."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.lib.errors import ActionError
from rapport.people.actions.agents import create_site


class Command(BaseCommand):
    help = "Create a site: its time zone sets working hours; its country, the public holidays."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", help="e.g. 'Madrid'")
        parser.add_argument("--timezone", required=True, help="IANA name, e.g. Europe/Madrid")
        parser.add_argument("--country", default="", help="ISO code for holidays, e.g. ES")
        parser.add_argument("--region", default="", help="a subdivision for holidays, e.g. MD")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            site = create_site(
                name=options["name"],
                timezone_name=options["timezone"],
                country=options["country"],
                region=options["region"],
            )
        except ActionError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Site {site.name!r} ({site.timezone}) created.")
