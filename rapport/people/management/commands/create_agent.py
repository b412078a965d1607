"""`rapport create-agent USERNAME --name NAME [--site S] [--team SLUG ...] [--supervisor]`.

The first people of a new desk, and everyone after: a sign-in plus the agent profile the
workspace needs. The password is read from standard input (`--password-stdin`, for scripts) or
asked for twice at a terminal; it is never an argument, so it stays out of shell history. With
`--invite` there is no password: the agent is mailed a one-time link to choose one (the action
Supervisor > Agents and `POST /api/v1/agents` call), and cannot sign in or take cases until then.
"""

from __future__ import annotations

import getpass
import sys
from argparse import ArgumentParser
from typing import Any, TextIO

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from rapport.lib.errors import ActionError
from rapport.lib.hours import HoursError, hours_from_text
from rapport.people.actions.agents import add_to_team, create_agent
from rapport.people.actions.staff import clean_skills, invite_agent
from rapport.people.models import Site, Team


class Command(BaseCommand):
    help = "Create an agent (a sign-in and a profile), at a site and in teams."
    stealth_options = ("stdin",)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="what they sign in with")
        parser.add_argument(
            "--name", required=True, help="shown to customers, e.g. 'Dr. Ana Ortiz'"
        )
        parser.add_argument("--email", default="")
        parser.add_argument("--site", default="", help="the site's name (rapport create-site)")
        parser.add_argument("--timezone", default="", help="default: the site's, else UTC")
        parser.add_argument(
            "--team", action="append", default=[], help="a team's slug; repeat for several"
        )
        parser.add_argument(
            "--hours",
            default="",
            help="their shifts, e.g. 'mon-fri 20:00-08:00' (default: any time)",
        )
        parser.add_argument("--supervisor", action="store_true", help="sees every case")
        parser.add_argument("--signature", default="", help="under their name on every reply")
        parser.add_argument("--skill", action="append", default=[], help="repeat for several")
        parser.add_argument("--capacity", type=int, default=20, help="open cases at once")
        parser.add_argument("--phone", default="", help="their number or extension")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )
        parser.add_argument(
            "--invite",
            action="store_true",
            help="no password: mail them a one-time link to choose one (needs --email)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        site = None
        if options["site"]:
            site = Site.objects.filter(name=options["site"]).first()
            if site is None:
                raise CommandError(f"There is no site called {options['site']!r}.")
        teams = []
        for slug in options["team"]:
            team = Team.objects.filter(slug=slug).first()
            if team is None:
                raise CommandError(f"There is no team {slug!r} (rapport create-team).")
            teams.append(team)
        try:
            hours = hours_from_text(options["hours"]) if options["hours"] else {}
        except HoursError as exc:
            raise CommandError(str(exc)) from exc
        if options["invite"]:
            self._invite(options, site=site, teams=teams, hours=hours)
            return
        password = self._password(options)
        try:
            with transaction.atomic():
                agent = create_agent(
                    username=options["username"],
                    display_name=options["name"].strip(),
                    password=password,
                    email=options["email"],
                    site=site,
                    timezone_name=options["timezone"] or (site.timezone if site else "UTC"),
                    is_supervisor=options["supervisor"],
                    signature=options["signature"],
                    working_hours=hours,
                    skills=clean_skills(options["skill"]),
                    capacity=options["capacity"],
                    phone=options["phone"],
                )
                for team in teams:
                    add_to_team(team=team, agent=agent)
        except (ActionError, ValidationError) as exc:
            raise CommandError(_message(exc)) from exc
        where = f" at {site.name}" if site else ""
        in_teams = f", in {', '.join(t.name for t in teams)}" if teams else ""
        role = "Supervisor" if agent.is_supervisor else "Agent"
        self.stdout.write(f"{role} {agent.display_name} ({options['username']}){where}{in_teams}.")

    def _invite(
        self,
        options: dict[str, Any],
        *,
        site: Site | None,
        teams: list[Team],
        hours: dict[str, list[list[str]]],
    ) -> None:
        if not options["email"]:
            raise CommandError("--invite needs --email: the link to choose a password goes there.")
        try:
            invitation = invite_agent(
                email=options["email"],
                display_name=options["name"],
                by=None,
                username=options["username"],
                site=site,
                timezone_name=options["timezone"],
                teams=teams,
                is_supervisor=options["supervisor"],
                skills=options["skill"],
                capacity=options["capacity"],
                phone=options["phone"],
                working_hours=hours,
                signature=options["signature"],
            )
        except ActionError as exc:
            raise CommandError(exc.message) from exc
        agent = invitation.agent
        self.stdout.write(
            f"Invited {agent.display_name} ({agent.user.get_username()}): the link to choose a "
            f"password is queued to {agent.user.email} (the worker sends it) and works until "
            f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC."
        )

    def _password(self, options: dict[str, Any]) -> str:
        stdin: TextIO = options.get("stdin") or sys.stdin
        if options["password_stdin"]:
            password = str(stdin.readline()).rstrip("\r\n")
        elif stdin.isatty():
            password = getpass.getpass("Password: ")
            if getpass.getpass("Password (again): ") != password:
                raise CommandError("The two passwords differ.")
        else:
            raise CommandError("Give the password on standard input with --password-stdin.")
        if not password:
            raise CommandError("The password is empty.")
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        return password


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)
