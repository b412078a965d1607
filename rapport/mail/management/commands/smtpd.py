"""`rapport smtpd`: a real SMTP listener for inbound mail (put it behind your MX or relay).

Answers 250 only once the raw message is committed; 552 5.3.4 for a message over --max-size;
451 when the database is unavailable, so the sending server keeps the message and retries.
SIGTERM or SIGINT stops accepting, lets messages being stored finish, and exits 0.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rapport.lib.process import settle_after_start
from rapport.mail.smtp import IntakeController

logger = logging.getLogger("rapport.mail.smtpd")


class Command(BaseCommand):
    help = "Listen for inbound email over SMTP and store every message before answering 250."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=2525, help="port to listen on")
        parser.add_argument(
            "--max-size",
            type=int,
            default=None,
            help="largest message in bytes (default: RAPPORT_INBOUND_MAX_BYTES)",
        )
        parser.add_argument(
            "--hostname", default=None, help="name in the greeting (default: this host's FQDN)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        max_size = options["max_size"] or settings.RAPPORT_INBOUND_MAX_BYTES
        if max_size < 1:
            raise CommandError("--max-size must be a positive number of bytes")
        controller = IntakeController(
            host=options["host"],
            port=options["port"],
            max_size=max_size,
            server_hostname=options["hostname"],
        )
        stop = threading.Event()

        def request_stop(signum: int, frame: Any) -> None:
            stop.set()

        for name in ("SIGTERM", "SIGINT"):
            signal.signal(getattr(signal, name), request_stop)
        settle_after_start()
        try:
            controller.start()
        except OSError as exc:
            raise CommandError(
                f"cannot listen on {options['host']}:{options['port']}: {exc.strerror}"
            ) from exc
        self.stdout.write(
            f"Listening for mail on {options['host']}:{options['port']} "
            f"(messages up to {max_size:,} bytes); Ctrl-C or SIGTERM stops."
        )
        self.stdout.flush()
        while not stop.wait(1.0):
            pass
        self.stdout.write("Stopping: finishing messages in hand.")
        controller.stop_gracefully()
        self.stdout.write("Stopped.")
