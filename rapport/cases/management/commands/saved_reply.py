"""`rapport saved-reply`: list the saved replies, add one, or set a business's policy on
template text sent unedited; through the same actions as the web page and the API."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.cases.actions.saved_replies import create_saved_reply, set_template_policy
from rapport.cases.models import SavedReply
from rapport.lib.errors import ActionError
from rapport.people.models import Brand, Team


class Command(BaseCommand):
    help = (
        "List saved replies (no options), add one (--title with --text or --text-file), or set "
        "a business's policy on template text sent unedited (--brand with --refuse-unedited or "
        "--allow-unedited)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--title", default="", help="what agents search for")
        parser.add_argument("--text", default="", help="the text, with {customer_first_name}…")
        parser.add_argument("--text-file", default="", help="read the text from this file")
        parser.add_argument("--brand", default="", help="the business (its slug); none: all")
        parser.add_argument("--team", default="", help="the team (its slug); none: every team")
        policy = parser.add_mutually_exclusive_group()
        policy.add_argument("--refuse-unedited", action="store_true", help="refuse it unedited")
        policy.add_argument("--allow-unedited", action="store_true", help="count it unedited")

    def handle(self, *args: Any, **options: Any) -> None:
        brand = _by_slug(Brand, options["brand"], "business", "rapport create-brand")
        team = _by_slug(Team, options["team"], "team", "rapport create-team")
        try:
            if options["refuse_unedited"] or options["allow_unedited"]:
                if brand is None:
                    raise CommandError("Say which business: --brand SLUG.")
                refuse = bool(options["refuse_unedited"])
                set_template_policy(brand=brand, refuse_unedited=refuse, by=None)
                said = "refuses" if refuse else "allows (and counts)"
                self.stdout.write(f"{brand.name} {said} template text sent unedited.")
            elif options["title"]:
                text = options["text"]
                if options["text_file"]:
                    text = Path(options["text_file"]).read_text(encoding="utf-8")
                saved = create_saved_reply(
                    title=options["title"], text=text, brand=brand, team=team, by=None
                )
                self.stdout.write(f"Saved reply #{saved.pk} {saved.title!r} added.")
            else:
                self._list()
        except ActionError as exc:
            raise CommandError(exc.message) from exc
        except OSError as exc:
            raise CommandError(f"Cannot read {options['text_file']}: {exc.strerror}.") from exc

    def _list(self) -> None:
        for saved in SavedReply.objects.select_related("brand", "team"):
            brand = saved.brand.slug if saved.brand else "every business"
            team = saved.team.slug if saved.team else "every team"
            self.stdout.write(f"#{saved.pk}\t{saved.title}\t{brand}\t{team}")


def _by_slug(model: type[Brand] | type[Team], slug: str, what: str, hint: str) -> Any:
    if not slug:
        return None
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise CommandError(f"No {what} {slug!r}: see `{hint}`.")
    return found
