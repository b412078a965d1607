"""`rapport social-poll`: take in the new mentions of the desk's Mastodon and Bluesky accounts.

Once by default (for cron or a person); `--loop` polls every RAPPORT_MASTODON_POLL_SECONDS until
stopped (the worker's "social_mastodon" and "social_bluesky" sweeps do the same on their own).
Exit status 1 when an account's poll failed (a 5xx, a timeout, an answer that is not the API's, a
refused token or app password): the cursor stays where it was, so nothing is lost. A rate limit
is not a failure: the poll waits for its Reset time, and says so.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rapport.social.polling import (
    Polled,
    bluesky_accounts,
    configured_accounts,
    poll_accounts,
    poll_bluesky,
    status_line,
)


class Command(BaseCommand):
    help = (
        "Take in new Mastodon mentions and Bluesky mentions, replies and quotes as cases "
        "(once; --loop to keep polling)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--loop", action="store_true", help="poll every RAPPORT_MASTODON_POLL_SECONDS"
        )
        parser.add_argument("--json", action="store_true", help="print each poll as JSON")
        parser.add_argument(
            "--status",
            action="store_true",
            help="poll nothing: say where each account is (cursor, last poll, last error)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        keys = [a.url for a in configured_accounts()] + [a.key for a in bluesky_accounts()]
        if not keys:
            raise CommandError(
                "No Mastodon or Bluesky account is set up: set RAPPORT_MASTODON_URL and "
                "RAPPORT_MASTODON_TOKEN, or RAPPORT_BLUESKY_HANDLE and "
                "RAPPORT_BLUESKY_APP_PASSWORD (docs/social.md)."
            )
        if options["status"]:
            for key in keys:
                self.stdout.write(status_line(key))
            return
        while True:
            now = timezone.now()
            polled = poll_accounts(now=now) + poll_bluesky(now=now)
            for each in polled:
                self._report(each, as_json=options["json"])
            if not options["loop"]:
                failed = [each.instance for each in polled if each.failed]
                if failed:
                    raise CommandError(
                        f"Polling {', '.join(failed)} failed (above); its cursor is kept, so "
                        "the next poll reads the same mentions again."
                    )
                return
            time.sleep(settings.RAPPORT_MASTODON_POLL_SECONDS)

    def _report(self, polled: Polled, *, as_json: bool) -> None:
        out = self.stderr if polled.failed else self.stdout
        if not as_json:
            out.write(polled.summary())
            return
        resume = polled.resume_at.isoformat() if polled.resume_at else None
        out.write(
            json.dumps(
                {
                    "instance": polled.instance,
                    "new_cases": polled.new_cases,
                    "threaded": polled.threaded,
                    "duplicates": polled.duplicates,
                    "cursor": polled.cursor,
                    "skipped": polled.skipped,
                    "error": polled.error,
                    "resume_at": resume,
                }
            )
        )
