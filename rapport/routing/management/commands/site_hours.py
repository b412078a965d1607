"""`rapport site-hours NAME [--hours "mon-fri 08:00-20:00; sat 09:00-13:00" | --around-the-clock]`.

The site's opening hours: what its deadlines count and what the public contact page shows.
Without an option, prints them.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.lib.errors import ActionError
from rapport.lib.hours import HoursError, hours_as_text, hours_from_text
from rapport.people.models import Site
from rapport.routing.actions.desk import set_site_hours


class Command(BaseCommand):
    help = "Show or set a site's opening hours."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("site", help="the site's name")
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--hours",
            help="e.g. 'mon-fri 08:00-20:00; sat 09:00-13:00'; a shift may run overnight",
        )
        which.add_argument(
            "--around-the-clock", action="store_true", help="no opening hours: always open"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        site = Site.objects.filter(name=options["site"]).first()
        if site is None:
            raise CommandError(f"There is no site called {options['site']!r}.")
        if options["hours"] is not None or options["around_the_clock"]:
            try:
                hours = {} if options["around_the_clock"] else hours_from_text(options["hours"])
                site = set_site_hours(site=site, working_hours=hours, by=None)
            except (HoursError, ActionError) as exc:
                raise CommandError(str(exc)) from exc
        shown = hours_as_text(site.working_hours or {}) or "around the clock"
        self.stdout.write(f"{site.name} ({site.timezone}): {shown}")
