"""`rapport parse-email [--json] FILE`: show how Rapport reads one raw message."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rapport.mail.bounds import read_mail
from rapport.mail.parse import ParsedEmail


def as_json(parsed: ParsedEmail) -> dict[str, Any]:
    return {
        "from": parsed.from_address,
        "from_name": parsed.from_name,
        "to": [address for _, address in parsed.to],
        "cc": [address for _, address in parsed.cc],
        "subject": parsed.subject,
        "message_id": parsed.message_id,
        "in_reply_to": list(parsed.in_reply_to),
        "references": list(parsed.references),
        "date": parsed.date.isoformat() if parsed.date else None,
        "visible_text": parsed.visible_text,
        "is_auto_reply": parsed.is_auto_reply,
        "auto_reply_reason": parsed.auto_reply_reason,
        "is_out_of_office": parsed.is_out_of_office,
        "is_list": parsed.is_list,
        "is_bounce": parsed.is_bounce,
        "bounce_recipients": [r.address for r in parsed.bounce_recipients],
        "bounce_details": [
            {"address": r.address, "status": r.status, "action": r.action,
             "diagnostic": r.diagnostic}
            for r in parsed.bounce_recipients
        ],
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size,
             "content_id": a.content_id, "inline": a.inline}
            for a in parsed.attachments
        ],
        "parse_errors": list(parsed.parse_errors),
    }  # fmt: skip


class Command(BaseCommand):
    help = "Parse one raw RFC 822 message (a file, or - for stdin) and print what Rapport reads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path to the raw message, or - for standard input")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        try:
            raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {name}: {error.strerror}") from error
        result = as_json(read_mail(raw))
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        for key, value in result.items():
            if key != "visible_text":
                self.stdout.write(f"{key}: {value}")
        self.stdout.write("\n" + result["visible_text"])
