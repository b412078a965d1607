"""`rapport create-site NAME --timezone ZONE [--country CC] [--region R] [--brand SLUG]`: a place
agents work, with the public holidays of its country and region."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.lib.errors import ActionError
from rapport.people.actions.agents import create_site
from rapport.people.models import Brand


class Command(BaseCommand):
    help = "Create a site: its time zone sets working hours; its country, the public holidays."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", help="e.g. 'Madrid'")
        parser.add_argument("--timezone", required=True, help="IANA name, e.g. Europe/Madrid")
        parser.add_argument("--country", default="", help="ISO code for holidays, e.g. ES")
        parser.add_argument("--region", default="", help="a subdivision for holidays, e.g. MD")
        parser.add_argument("--brand", default="", help="the business it serves (its slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        brand = None
        if options["brand"]:
            brand = Brand.objects.filter(slug=options["brand"]).first()
            if brand is None:
                raise CommandError(f"No business {options['brand']!r}: see `rapport create-brand`.")
        try:
            site = create_site(
                name=options["name"],
                timezone_name=options["timezone"],
                country=options["country"],
                region=options["region"],
                brand=brand,
            )
        except ActionError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Site {site.name!r} ({site.timezone}) created.")
