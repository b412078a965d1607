"""`rapport follow_up_policy`: list or add the policies that schedule follow-ups on resolution."""

from __future__ import annotations

import json
from datetime import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.care.actions.promises import create_follow_up_policy
from rapport.care.models import FollowUpPolicy
from rapport.lib.errors import ActionError
from rapport.people.models import Team


class Command(BaseCommand):
    help = "List follow-up policies, or add one: --add NAME --purpose TEXT [--tag clinic-visit]."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--add", metavar="NAME", help="add a policy with this name")
        parser.add_argument("--purpose", default="", help="what the call is for")
        parser.add_argument("--script", default="", help="what to ask")
        parser.add_argument("--tag", action="append", default=[], help="match a case tag")
        parser.add_argument("--team", default="", help="match a team (slug)")
        parser.add_argument("--priority", default="", help="match a priority")
        parser.add_argument("--signal", default="", help="match urgent, upset or wants_human")
        parser.add_argument("--days", type=int, default=1, help="days after resolution")
        parser.add_argument("--at", default="10:00", help="customer's local time, HH:MM")
        parser.add_argument("--channel", default="phone")
        parser.add_argument("--json", action="store_true", help="print the policies as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["add"]:
            team = None
            if options["team"]:
                team = Team.objects.filter(slug=options["team"]).first()
                if team is None:
                    raise CommandError(f"There is no team {options['team']!r}.")
            try:
                hours, minutes = (int(x) for x in options["at"].split(":"))
                at = time(hours, minutes)
            except ValueError as exc:
                raise CommandError(f"--at {options['at']!r} is not HH:MM.") from exc
            try:
                create_follow_up_policy(
                    name=options["add"],
                    purpose=options["purpose"],
                    script=options["script"],
                    tags=options["tag"],
                    team=team,
                    priority=options["priority"],
                    triage_signal=options["signal"],
                    delay_days=options["days"],
                    at_time=at,
                    channel=options["channel"],
                )
            except ActionError as exc:
                raise CommandError(exc.message) from exc
        rows = [
            {
                "name": p.name,
                "active": p.active,
                "tags": p.tags,
                "team": p.team.slug if p.team else None,
                "priority": p.priority,
                "signal": p.triage_signal,
                "days": p.delay_days,
                "at": p.at_time.strftime("%H:%M"),
                "channel": p.channel,
                "purpose": p.purpose,
            }
            for p in FollowUpPolicy.objects.select_related("team")
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows))
            return
        for row in rows:
            match = ", ".join(
                f"{k}={row[k]}" for k in ("tags", "team", "priority", "signal") if row[k]
            )
            self.stdout.write(
                f"{row['name']}: {match or 'every case'} -> +{row['days']}d {row['at']} "
                f"{row['channel']}: {row['purpose']}"
            )
