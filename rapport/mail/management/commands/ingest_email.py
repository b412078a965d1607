"""`rapport ingest-email [FILE ...|-]`: take mail from an MTA pipe (or files) into the desk.

Each FILE holds one raw message; with none (or "-") the message is read from standard input.
The bytes are committed before anything else. Exit status 0 means every message is safely
stored; 75 (EX_TEMPFAIL) means the database could not be reached, so the MTA keeps the message
and tries again later; 65 (EX_DATAERR) means a message is over RAPPORT_INBOUND_MAX_BYTES, and
nothing was stored.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, InterfaceError, OperationalError

from rapport.mail.actions.intake import (
    BATCH,
    Arrival,
    MessageTooBig,
    process_inbound_email,
    process_inbound_emails,
    retry_inbound_email,
    store_inbound_emails,
)
from rapport.mail.intake import IntakeResult
from rapport.mail.models import InboundEmail, InboundStatus, Source

EX_DATAERR = 65  # the MTA returns the message to its sender: retrying cannot help
EX_NOINPUT = 66
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Store and process raw email from files or standard input (for an MTA pipe)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files", nargs="*", metavar="FILE", help="a raw RFC 822 message; - for stdin"
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="process at once and print one JSON object per message with its outcome",
        )
        parser.add_argument("--envelope-from", default="", help="the SMTP envelope sender")
        parser.add_argument(
            "--envelope-to",
            action="append",
            default=[],
            help="an SMTP envelope recipient (repeat for several)",
        )
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="process every failed message again instead of reading new ones",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_json: bool = options["json"]
        try:
            if options["retry_failed"]:
                results = self._retry_failed()
            else:
                results = self._ingest(options["files"] or ["-"], options, process_now=as_json)
        except MessageTooBig as exc:
            raise CommandError(str(exc), returncode=EX_DATAERR) from exc
        except (OperationalError, InterfaceError) as exc:
            raise CommandError(
                f"the database is unavailable ({exc}); the message was not stored, try again",
                returncode=EX_TEMPFAIL,
            ) from exc
        except DatabaseError as exc:
            raise CommandError(
                f"the message could not be stored: {exc}", returncode=EX_TEMPFAIL
            ) from exc
        for result in results:
            if as_json:
                self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            elif options["verbosity"] > 1 or options["retry_failed"]:
                self.stdout.write(f"{result.message_id}: {result.outcome} {result.reason}".rstrip())

    def _ingest(
        self, names: list[str], options: dict[str, Any], *, process_now: bool
    ) -> list[IntakeResult]:
        """Every file is read first, so an unreadable one stops the command before anything is
        stored; then all are stored in one transaction and (with --json) processed in order."""
        arrivals = [
            Arrival(
                raw=self._read(name),
                envelope_from=options["envelope_from"],
                envelope_to=tuple(options["envelope_to"]),
                source_ref="" if name == "-" else name[:300],
            )
            for name in names
        ]
        results: list[IntakeResult] = []
        for start in range(0, len(arrivals), BATCH):
            rows = store_inbound_emails(
                arrivals=arrivals[start : start + BATCH],
                source=Source.PIPE,
                # In --json mode the outcome is needed now, so this process does the work itself.
                enqueue=not process_now,
            )
            if process_now:
                results += process_inbound_emails(inbound_ids=[row.pk for row in rows])
            else:
                results += [IntakeResult.of(row) for row in rows]
        return results

    @staticmethod
    def _read(name: str) -> bytes:
        try:
            return sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(
                f"cannot read {name}: {exc.strerror}; nothing was stored", returncode=EX_NOINPUT
            ) from exc

    def _retry_failed(self) -> list[IntakeResult]:
        results = []
        failed = InboundEmail.objects.defer("raw").filter(status=InboundStatus.FAILED)
        for row in failed.order_by("pk"):
            retry_inbound_email(inbound=row, by=None, enqueue=False)
            results.append(process_inbound_email(inbound_id=row.pk))
        return results
