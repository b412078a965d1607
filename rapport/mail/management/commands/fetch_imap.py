"""`rapport fetch-imap`: read the configured IMAP mailboxes into intake (see rapport/mail/imap.py).

Mailboxes come from RAPPORT_IMAP_MAILBOXES or --mailbox URL (repeatable); each is read in its
own thread. --once fetches what is there and exits (for cron); otherwise it keeps reading,
waiting with IDLE where the server has it (--idle) or polling every --interval seconds, and
reconnects after errors. SIGTERM or SIGINT stops after the message in hand.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rapport.lib.process import settle_after_start
from rapport.mail.imap import MailboxError, mailboxes_from, run_mailboxes


class Command(BaseCommand):
    help = "Fetch new mail from IMAP mailboxes into intake (nothing twice, nothing missed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--mailbox",
            action="append",
            default=[],
            metavar="URL",
            help="imaps://user:pass@host:993/INBOX (default: RAPPORT_IMAP_MAILBOXES)",
        )
        parser.add_argument("--once", action="store_true", help="fetch once and exit")
        parser.add_argument(
            "--idle", action="store_true", help="wait with IMAP IDLE where the server has it"
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="seconds between polls (default: RAPPORT_IMAP_POLL_SECONDS)",
        )
        parser.add_argument(
            "--idle-timeout",
            type=float,
            default=300.0,
            help="seconds an IDLE waits before checking the folder anyway (at most 1740)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        urls = options["mailbox"] or settings.RAPPORT_IMAP_MAILBOXES
        if not urls:
            raise CommandError("No mailbox: set RAPPORT_IMAP_MAILBOXES or pass --mailbox URL.")
        try:
            mailboxes = mailboxes_from(urls)
        except MailboxError as exc:
            raise CommandError(str(exc)) from exc
        stop = threading.Event()
        if not options["once"]:

            def request_stop(signum: int, frame: Any) -> None:
                stop.set()

            for name in ("SIGTERM", "SIGINT"):
                signal.signal(getattr(signal, name), request_stop)
            settle_after_start()
            self.stdout.write(
                f"Reading {len(mailboxes)} mailbox(es): "
                + ", ".join(m.name for m in mailboxes)
                + "; Ctrl-C or SIGTERM stops."
            )
            self.stdout.flush()
        workers = run_mailboxes(
            mailboxes,
            stop=stop,
            once=options["once"],
            idle=options["idle"],
            interval=options["interval"] or settings.RAPPORT_IMAP_POLL_SECONDS,
            idle_timeout=options["idle_timeout"],
        )
        failed = False
        for worker in workers:
            line = f"{worker.mailbox.name}: {worker.stored} new message(s) stored"
            if worker.error:
                failed = True
                line += f"; last error: {worker.error}"
            self.stdout.write(line)
        if failed and options["once"]:
            raise CommandError("Some mailboxes could not be read (see above).")
