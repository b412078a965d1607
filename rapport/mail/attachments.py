"""Storing a mail's attachments and inline images on the case message they came with."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import PurePath

from django.core.files.base import ContentFile

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
                filename=attachment.filename[:255],
                content_type=attachment.content_type[:100],
                size=attachment.size,
                content_id=attachment.content_id[:255],
            )
            row.file.save(storage_name(attachment.filename), ContentFile(attachment.payload), False)
            stored.append(row)
    insert_each(Attachment, stored)


def storage_name(filename: str) -> str:
    """A safe, short file name for storage; the original name is kept on the row."""
    name = PurePath(filename.replace("\\", "/")).name
    name = re.sub(r"[^\w.-]+", "_", name, flags=re.ASCII).strip("._") or "attachment"
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 10:
        stem, extension = name, ""
    stem = stem[:50] or "attachment"
    return f"{stem}.{extension}" if extension else stem
