"""Building raw mail for intake tests, and running one through store + process."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from django.utils import timezone

from rapport.mail.actions.intake import process_inbound_email, store_inbound_email
from rapport.mail.intake import IntakeResult
from rapport.mail.models import InboundEmail


def make_mail(
    *,
    sender: str = "Maria Lopez <maria.lopez@example.com>",
    to: str = "Night Clinic <support@clinic.example>",
    subject: str = "Mila is still coughing",
    body: str = "She coughed all night again.",
    message_id: str | None = "<m1@mail.example.com>",
    in_reply_to: str = "",
    references: str = "",
    headers: dict[str, str] | None = None,
    html: str = "",
    attachments: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(timezone.now())
    if message_id:
        mail["Message-ID"] = message_id
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
    if references:
        mail["References"] = references
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(body)
    if html:
        mail.add_alternative(html, subtype="html")
    for filename, content_type, payload in attachments:
        maintype, subtype = content_type.split("/", 1)
        mail.add_attachment(payload, maintype=maintype, subtype=subtype, filename=filename)
    return mail.as_bytes()


def ingest(raw: bytes, **envelope: Any) -> tuple[IntakeResult, InboundEmail]:
    """Store, then process synchronously, as `rapport ingest-email --json` does."""
    row = store_inbound_email(
        raw=raw, source=envelope.pop("source", "pipe"), enqueue=False, **envelope
    )
    result = process_inbound_email(inbound_id=row.pk)
    row.refresh_from_db()
    return result, row
