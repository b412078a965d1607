"""`rapport open-case`: open a case as an agent, for the customer an address names, with its
first entry; the same actions as `POST /api/v1/cases` (`customer_for_address`, `start_case`)."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from rapport.cases.actions.customers import customer_for_address
from rapport.cases.models import Priority
from rapport.cases.rules import default_team
from rapport.lib.errors import ActionError
from rapport.people.commands import active_agent
from rapport.people.models import Channel, IdentityKind, Team
from rapport.routing.actions.starting import FirstEntry, start_case


class Command(BaseCommand):
    help = (
        "Open a case as an agent (--as) for the customer with --customer-email or "
        "--customer-phone (made, with --name, when nobody has it), beginning with --text."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--as", dest="username", required=True, help="the agent (username)")
        address = parser.add_mutually_exclusive_group()
        address.add_argument("--customer-email", default="", help="the customer's email")
        address.add_argument("--customer-phone", default="", help="the customer's phone")
        parser.add_argument("--name", default="", help="a new customer's name")
        parser.add_argument("--text", required=True, help="the first entry's text")
        parser.add_argument("--subject", default="")
        parser.add_argument(
            "--first", choices=FirstEntry.values, default=FirstEntry.INBOUND_MESSAGE,
            help="what the case begins with (default: the customer wrote to us)",
        )  # fmt: skip
        parser.add_argument(
            "--channel", choices=Channel.values, default="",
            help="where it came or goes (default: email for an email, phone for a phone)",
        )  # fmt: skip
        parser.add_argument("--priority", choices=Priority.values, default=Priority.NORMAL)
        parser.add_argument("--team", default="", help="a team of the agent's (its slug)")
        parser.add_argument("--json", action="store_true", help="print the case as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        agent = active_agent(options["username"])
        if options["customer_email"]:
            kind, value, channel = IdentityKind.EMAIL, options["customer_email"], Channel.EMAIL
        elif options["customer_phone"]:
            kind, value, channel = IdentityKind.PHONE, options["customer_phone"], Channel.PHONE
        else:
            raise CommandError("The case needs a customer: --customer-email or --customer-phone.")
        team = default_team(agent)
        if options["team"]:
            team = Team.objects.filter(slug=options["team"]).first()
            if team is None:
                raise CommandError(f"No team {options['team']!r}: see `rapport create-team`.")
        try:
            with transaction.atomic():  # as the API: a refusal at any step leaves nothing
                customer = customer_for_address(
                    kind=kind, value=value, name=options["name"] or value, by=agent
                )
                started = start_case(
                    by=agent,
                    customer=customer,
                    first=options["first"],
                    text=options["text"],
                    subject=options["subject"],
                    channel=options["channel"] or channel,
                    priority=options["priority"],
                    team=team,
                    route=team is not None,
                )
        except ActionError as exc:
            raise CommandError(exc.message) from exc
        case = started.case
        case.refresh_from_db()
        if options["json"]:
            shown = {
                "id": case.pk,
                "reference": case.reference,
                "customer_id": case.customer_id,
                "status": case.status,
                "owner_id": case.owner_id,
                "team_id": case.team_id,
            }
            self.stdout.write(json.dumps(shown))
        else:
            self.stdout.write(f"Case {case.reference} opened for {case.customer.name}.")
