"""`rapport search QUERY`: the cases an agent's search finds (as the inbox and `GET
/api/v1/cases?q=` find them: `search_cases`), newest first, and why each matched."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from rapport.cases.access import cases_for_agent
from rapport.cases.search import search_cases
from rapport.cases.search_matches import case_matches
from rapport.people.commands import active_agent


class Command(BaseCommand):
    help = "Search the cases an agent (--as) can see; --json for a script."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("query", help="words, an email, a phone typed any way, a handle")
        parser.add_argument("--as", dest="username", required=True, help="the agent (username)")
        parser.add_argument("--limit", type=int, default=20, help="at most this many (20)")
        parser.add_argument("--json", action="store_true", help="print a JSON list")

    def handle(self, *args: Any, **options: Any) -> None:
        username, query = options["username"], options["query"]
        agent = active_agent(username)
        limit = max(1, min(options["limit"], 200))
        found = search_cases(cases_for_agent(agent), query).select_related("customer")
        cases = list(found.order_by("-updated_at", "-pk")[:limit])
        why = case_matches(cases, query)
        if options["json"]:
            listed = [
                {
                    "id": case.pk,
                    "reference": case.reference,
                    "subject": case.subject,
                    "status": case.status,
                    "customer": case.customer.name,
                    "updated_at": case.updated_at.isoformat(),
                    "matches": [
                        {"field": m.field, "label": m.label, "text": m.text}
                        for m in why.get(case.pk, [])
                    ],
                }
                for case in cases
            ]
            self.stdout.write(json.dumps(listed, ensure_ascii=False))
            return
        if not cases:
            self.stdout.write("No case found.")
        for case in cases:
            matched = "; ".join(f"{m.label}: {m.text}" for m in why.get(case.pk, []))
            self.stdout.write(f"{case.reference}\t{case.subject}\t{case.customer.name}\t{matched}")
