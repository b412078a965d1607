"""`rapport triage --json TEXT|-` and `rapport triage --jsonl FILE|-`: signals as JSON.

`rapport triage train`, `rapport triage models` and `rapport triage activate VERSION|--shipped`:
the desk's own model (rapport/triage/desk_cli.py)."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError

from rapport.triage import desk_cli
from rapport.triage.records import BadRecord, parse_line
from rapport.triage.signals import triage


@contextmanager
def _source(name: str) -> Iterator[TextIO]:
    if name == "-":
        yield sys.stdin
        return
    try:
        handle = open(name, encoding="utf-8")  # noqa: SIM115 - closed below, after the loop
    except OSError as error:
        raise CommandError(f"cannot read {name}: {error.strerror}") from None
    with handle:
        yield handle


class Command(BaseCommand):
    help = "Triage customer messages: urgent, upset, wants a human, loop, compliment, priority."

    def add_arguments(self, parser: ArgumentParser) -> None:
        desk_cli.add_arguments(parser)
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--json", metavar="TEXT", help="one message ('-' reads it from stdin)")
        mode.add_argument(
            "--jsonl",
            metavar="FILE",
            help='one {"text", "channel", "history": [{"text", "at"}]} per line (\'-\' = stdin)',
        )
        parser.add_argument("--channel", default="email", help="channel of the --json message")
        parser.add_argument(
            "--no-phone",
            action="store_true",
            help="nobody can take a call now: recommend a callback instead of a call",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["task"] is not None:
            if options["json"] is not None or options["jsonl"] is not None:
                raise CommandError(f"{options['task']} takes neither --json nor --jsonl")
            desk_cli.run(self, options)
            return
        if options["json"] is None and options["jsonl"] is None:
            raise CommandError("one of the arguments --json --jsonl (or a task) is required")
        phone_available = not options["no_phone"]
        if options["json"] is not None:
            text = sys.stdin.read() if options["json"] == "-" else options["json"]
            result = triage(text, channel=options["channel"], phone_available=phone_available)
            self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False))
            return
        bad = 0
        out: list[str] = []
        with _source(options["jsonl"]) as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    request = parse_line(line)
                except BadRecord as error:
                    bad += 1
                    self.stderr.write(f"line {number}: {error}")
                    continue
                result = request.run(phone_available=None if phone_available else False)
                out.append(json.dumps(result.to_dict(), ensure_ascii=False))
                if len(out) >= 500:
                    self.stdout.write("\n".join(out))
                    out.clear()
        if out:
            self.stdout.write("\n".join(out))
        if bad:
            raise CommandError(f"{bad} bad line{'s' if bad != 1 else ''} skipped")
