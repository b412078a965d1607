"""`rapport status-link CASE_ID [--revoke]`: print a working link to the case's status page for
its customer, or revoke every link sent for it; the same functions as the case page and the API
(`GET /api/v1/cases/{id}/status-link`, `POST .../status-link/revoke`)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.cases.actions.status_links import revoke_status_links
from rapport.cases.models import Case
from rapport.cases.status_links import status_link


class Command(BaseCommand):
    help = (
        "Print a working status link for a case (its URL and when it expires), or with "
        "--revoke stop every status link sent for it (audited)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("case_id", type=int, help="the case number")
        parser.add_argument("--revoke", action="store_true", help="stop every link sent so far")

    def handle(self, *args: Any, **options: Any) -> None:
        case = Case.objects.filter(pk=options["case_id"]).first()
        if case is None:
            raise CommandError(f"There is no case #{options['case_id']}.")
        if options["revoke"]:
            revoke_status_links(case=case, by=None)
            self.stdout.write(
                f"Every status link sent for case #{case.pk} stopped working; "
                "the next mail to the customer carries a new one."
            )
            return
        link = status_link(case)
        self.stdout.write(f"{link.url}\nworks until {link.expires_at.isoformat()}")
