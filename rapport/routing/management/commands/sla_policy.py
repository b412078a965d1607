"""`rapport sla-policy PRIORITY [--channel C] --first 30m --next 1h --resolution 2d
[--around-the-clock] [--remove]`: how soon a person must answer. Without PRIORITY, lists them."""

from __future__ import annotations

import re
from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.lib.errors import ActionError
from rapport.routing import sla
from rapport.routing.actions.desk import remove_sla_policy, set_sla_policy
from rapport.routing.models import SlaPolicy

_PART = re.compile(r"(\d+)\s*([dhm]?)")
_UNIT = {"d": 1440, "h": 60, "m": 1, "": 1}


def duration(text: str) -> timedelta:
    """ "30m", "4h", "1h30m", "2d", "90" (minutes) -> a timedelta."""
    cleaned = text.strip().lower()
    parts = _PART.findall(cleaned)
    if not cleaned or "".join(n + u for n, u in parts) != cleaned.replace(" ", ""):
        raise CommandError(f"{text!r} is not a duration (e.g. 30m, 4h, 1h30m, 2d).")
    return timedelta(minutes=sum(int(n) * _UNIT[u] for n, u in parts))


def _minutes(value: int) -> str:
    days, rest = divmod(value, 1440)
    hours, minutes = divmod(rest, 60)
    text = "".join(f"{n}{u}" for n, u in ((days, "d"), (hours, "h"), (minutes, "m")) if n)
    return text or "0m"


class Command(BaseCommand):
    help = "List, set or remove the service-level targets per priority (and channel)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("priority", nargs="?", default="", choices=["", *sla.PRIORITIES])
        parser.add_argument("--channel", default="", help="only for this channel (e.g. chat)")
        parser.add_argument("--first", help="first answer within, e.g. 4h")
        parser.add_argument("--next", help="each next answer within, e.g. 4h")
        parser.add_argument("--resolution", help="resolved within, e.g. 3d")
        parser.add_argument(
            "--around-the-clock",
            action="store_true",
            help="count every hour, not only the serving site's opening hours",
        )
        parser.add_argument("--remove", action="store_true", help="back to the built-in target")

    def handle(self, *args: Any, **options: Any) -> None:
        priority, channel = options["priority"], options["channel"]
        if priority and options["remove"]:
            if not remove_sla_policy(priority=priority, channel=channel, by=None):
                raise CommandError(f"There is no policy for {priority} {channel}".rstrip() + ".")
        elif priority:
            missing = [f"--{n}" for n in ("first", "next", "resolution") if not options[n]]
            if missing:
                raise CommandError(f"Give {', '.join(missing)} (e.g. --first 4h).")
            try:
                set_sla_policy(
                    priority=priority,
                    channel=channel,
                    first_response=duration(options["first"]),
                    next_response=duration(options["next"]),
                    resolution=duration(options["resolution"]),
                    business_hours=not options["around_the_clock"],
                    by=None,
                )
            except ActionError as exc:
                raise CommandError(str(exc)) from exc
        elif options["remove"]:
            raise CommandError("Say which PRIORITY to remove.")
        self._list()

    def _list(self) -> None:
        policies = SlaPolicy.objects.order_by("priority", "channel")
        if not policies:
            self.stdout.write(
                "No policies: the built-in targets apply (docs/triage-and-routing.md)."
            )
        for p in policies:
            hours = "opening hours" if p.business_hours else "around the clock"
            self.stdout.write(
                f"{p.priority:<7} {p.channel or 'any':<7}"
                f" first {_minutes(p.first_response_minutes)}"
                f", next {_minutes(p.next_response_minutes)}"
                f", resolved {_minutes(p.resolution_minutes)} ({hours})"
            )
