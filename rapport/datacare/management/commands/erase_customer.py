"""`rapport erase-customer ID --yes`: remove a customer's personal data everywhere."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rapport.datacare.actions.erasure import erase_customer
from rapport.datacare.models import Via
from rapport.people.models import Customer


class Command(BaseCommand):
    help = (
        "Erase a customer: names, identities, message text, notes, calls, assets, raw mail, "
        "attachment files and the search index; anonymous statistics stay. Needs --yes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("customer_id", type=int)
        parser.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")

    def handle(self, *args: Any, **options: Any) -> None:
        customer = Customer.objects.filter(pk=options["customer_id"]).first()
        if customer is None:
            raise CommandError(f"There is no customer #{options['customer_id']}.")
        if not options["yes"]:
            raise CommandError(
                f"Erasing customer #{customer.pk} cannot be undone: run again with --yes."
            )
        erased = erase_customer(customer=customer, by=None, via=Via.CLI)
        self.stdout.write(json.dumps({"customer_id": customer.pk, "erased": erased.as_dict()}))
