"""`rapport agent-notifications USERNAME [--email KIND] [--even-off-shift KIND] [--off KIND]`:
show or set which notices are emailed to an agent (the account page's choices)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.lib.errors import ActionError
from rapport.people.actions.notifications import Choice, choices_of, set_notification_choices
from rapport.people.models import Agent, NoticeKind


class Command(BaseCommand):
    help = (
        "Show an agent's email-notification choices, or set some: --email KIND mails it on "
        "shift, --even-off-shift KIND also off shift, --off KIND stops it. Kinds: "
        + ", ".join(NoticeKind.values)
        + ". Kinds not named keep their choice."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        for flag in ("--email", "--even-off-shift", "--off"):
            parser.add_argument(flag, action="append", default=[], metavar="KIND")

    def handle(self, *args: Any, **options: Any) -> None:
        agent = (
            Agent.objects.select_related("user").filter(user__username=options["username"]).first()
        )
        if agent is None:
            raise CommandError(f"There is no agent {options['username']!r}.")
        wanted: dict[str, Choice] = {}
        for kind in options["off"]:
            wanted[kind] = Choice()
        for kind in options["email"]:
            wanted[kind] = Choice(email=True)
        for kind in options["even_off_shift"]:
            wanted[kind] = Choice(email=True, even_off_shift=True)
        try:
            chosen = (
                set_notification_choices(agent=agent, choices=wanted)
                if wanted
                else choices_of(agent)
            )
        except ActionError as exc:
            raise CommandError(exc.message) from exc
        address = agent.user.email or "no address: nothing can be mailed"
        self.stdout.write(f"{agent.display_name} ({address}):")
        for kind, choice in chosen.items():
            when = (
                "emailed, even off shift"
                if choice.even_off_shift and choice.email
                else "emailed on shift"
                if choice.email
                else "not emailed"
            )
            self.stdout.write(f"  {kind.value:<20} {when}")
