"""`rapport site-closure NAME [DAY] [--reason R] [--remove]`: a day a site is closed beyond its
public holidays (deadlines skip it, routing treats its agents as off). Without DAY, lists them."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.people.models import Site
from rapport.routing.actions.desk import add_closure, remove_closure
from rapport.routing.models import Closure


class Command(BaseCommand):
    help = "List, add or remove the days a site is closed."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("site", help="the site's name")
        parser.add_argument("day", nargs="?", default="", help="YYYY-MM-DD")
        parser.add_argument("--reason", default="", help="e.g. 'inventory'")
        parser.add_argument("--remove", action="store_true", help="open on that day after all")

    def handle(self, *args: Any, **options: Any) -> None:
        site = Site.objects.filter(name=options["site"]).first()
        if site is None:
            raise CommandError(f"There is no site called {options['site']!r}.")
        if options["day"]:
            try:
                day = date.fromisoformat(options["day"])
            except ValueError as exc:
                raise CommandError(f"{options['day']!r} is not a date (YYYY-MM-DD).") from exc
            if options["remove"]:
                if not remove_closure(site=site, day=day, by=None):
                    raise CommandError(f"{site.name} was not closed on {day}.")
            else:
                add_closure(site=site, day=day, reason=options["reason"], by=None)
        elif options["remove"]:
            raise CommandError("Say which DAY to remove.")
        closures = Closure.objects.filter(site=site).order_by("day")
        self.stdout.write(f"{site.name} closed: {closures.count() or 'no extra days'}")
        for closure in closures:
            self.stdout.write(f"  {closure.day}  {closure.reason}".rstrip())
