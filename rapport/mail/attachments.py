"""Storing a mail's attachments and inline images on the case message they came with."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.files.base import ContentFile

from rapport.cases.attachments import safe_filename, storage_name
from rapport.cases.models import Attachment, Message
from rapport.lib.bulk import insert_each
from rapport.mail.parse import ParsedAttachment


def store_attachments(
    messages: Iterable[tuple[Message | None, Sequence[ParsedAttachment]]],
) -> None:
    """Each attachment's file saved, and their rows written with one statement."""
    stored = []
    for message, attachments in messages:
        if message is None:
            continue
        for attachment in attachments:
            row = Attachment(
                message=message,
                filename=safe_filename(attachment.filename),
                content_type=attachment.content_type[:100],
                size=attachment.size,
                content_id=attachment.content_id[:255],
            )
            row.file.save(storage_name(attachment.filename), ContentFile(attachment.payload), False)
            stored.append(row)
    insert_each(Attachment, stored)
