"""`rapport export-customer ID [--output PATH]`: everything held on a person, as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from rapport.datacare.actions.export import export_customer
from rapport.datacare.models import Via
from rapport.people.models import Customer


class Command(BaseCommand):
    help = "Write everything held on one customer as JSON (standard output or --output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("customer_id", type=int)
        parser.add_argument("--output", "-o", help="write to this file instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        customer = Customer.objects.filter(pk=options["customer_id"]).first()
        if customer is None:
            raise CommandError(f"There is no customer #{options['customer_id']}.")
        data = export_customer(customer=customer, by=None, via=Via.CLI)
        text = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        if options["output"]:
            path = Path(options["output"])
            path.write_text(text + "\n", encoding="utf-8")
            path.chmod(0o600)  # a person's whole file
            self.stderr.write(f"Wrote everything held on customer #{customer.pk} to {path}.")
        else:
            sys.stdout.write(text + "\n")
