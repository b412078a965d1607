"""`rapport create-brand SLUG --name NAME [--phone P] [--colour #RRGGBB] [--address A ...]`:
a business the desk serves, with its own contact page (/contact/SLUG/) and the addresses its
mail comes to."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.lib.errors import ActionError
from rapport.people.actions.agents import create_brand


class Command(BaseCommand):
    help = "Create a brand (a business); give its teams with `rapport create-team --brand SLUG`."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("slug", help="short name for its contact page, e.g. sonrisa-dental")
        parser.add_argument("--name", required=True, help="as customers read it")
        parser.add_argument("--phone", default="", help="the number its contact page shows")
        parser.add_argument("--colour", default="", help="#RRGGBB for its pages, e.g. #1f6feb")
        parser.add_argument(
            "--address",
            action="append",
            default=[],
            help="an address mail to this business comes to (repeat for several)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            brand = create_brand(
                name=options["name"],
                slug=options["slug"],
                by=None,
                phone=options["phone"],
                email_addresses=options["address"],
                colour=options["colour"],
            )
        except ActionError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Business {brand.name!r} ({brand.slug}) created: its contact page is "
            f"/contact/{brand.slug}/."
        )
