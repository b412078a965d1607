"""Files on case messages: what an agent attaches to a reply or note, and how any attachment is
named and typed when someone downloads it.

An attachment is always served as a download, with a content type from a short list of inert
ones (never HTML, SVG or script, which a browser would run on the desk's own origin), under a
name with no path, control or bidirectional characters ("../../etc/passwd.png" is
"passwd.png").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat

from rapport.cases.models import Attachment, Message
from rapport.lib.csp import HEADER, policy
from rapport.lib.errors import ActionError

# Served with their own type (still as downloads); anything else is application/octet-stream.
INERT_TYPES = frozenset(
    {
        "application/pdf",
        "application/zip",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "audio/mpeg",
        "audio/wav",
        "image/gif",
        "image/heic",
        "image/jpeg",
        "image/png",
        "image/webp",
        "text/csv",
        "text/plain",
        "video/mp4",
        "video/quicktime",
    }
)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Upload:
    """A file an agent attaches, as read from the form or the API."""

    filename: str
    content_type: str
    data: bytes


def safe_filename(name: str) -> str:
    """The name a person sees and downloads: the last path part, without control, format
    (bidirectional override) or reserved characters, at most 200 characters."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/"))
    name = PurePosixPath(name).name
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    name = _UNSAFE.sub("", name).replace('"', "'").strip().lstrip(".").strip()
    if not name:
        return "attachment"
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        keep = extension if dot and len(extension) <= 10 else ""
        name = (stem if keep else name)[: 200 - len(keep) - 1].rstrip() + (
            f".{keep}" if keep else ""
        )
    return name


def download_type(content_type: str) -> str:
    """A content type a browser will not run: the declared one if inert, else octet-stream."""
    declared = content_type.split(";", 1)[0].strip().lower()
    return declared if declared in INERT_TYPES else "application/octet-stream"


def check_uploads(
    uploads: Sequence[Upload],
    *,
    most: int | None = None,
    each: int | None = None,
    field: str = "attachments",
) -> None:
    """Refused, saying which file and the limit, before anything is written (the limits: an
    agent's, RAPPORT_ATTACHMENTS_MAX_COUNT and RAPPORT_ATTACHMENT_MAX_BYTES, unless given)."""
    most = settings.RAPPORT_ATTACHMENTS_MAX_COUNT if most is None else most
    if len(uploads) > most:
        raise ActionError(
            f"At most {most} files a message; {len(uploads)} were attached.", field=field
        )
    each = settings.RAPPORT_ATTACHMENT_MAX_BYTES if each is None else each
    for upload in uploads:
        if len(upload.data) > each:
            raise ActionError(
                f"{safe_filename(upload.filename)} is {filesizeformat(len(upload.data))}; a file "
                f"may be at most {filesizeformat(each)}. Share a link to it instead.",
                field=field,
            )
        if not upload.data:
            raise ActionError(f"{safe_filename(upload.filename)} is empty.", field=field)


def attach(message: Message, uploads: Sequence[Upload]) -> list[Attachment]:
    """The files stored and listed on `message` (checked with `check_uploads` first)."""
    rows = []
    for upload in uploads:
        name = safe_filename(upload.filename)
        row = Attachment(
            message=message,
            filename=name,
            content_type=(upload.content_type or "application/octet-stream")[:100],
            size=len(upload.data),
        )
        row.file.save(storage_name(name), ContentFile(upload.data), save=False)
        rows.append(row)
    return Attachment.objects.bulk_create(rows)


def storage_name(filename: str) -> str:
    """A safe, short file name for storage; the name people see is kept on the row."""
    name = PurePosixPath(filename.replace("\\", "/")).name
    name = re.sub(r"[^\w.-]+", "_", name, flags=re.ASCII).strip("._") or "attachment"
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 10:
        stem, extension = name, ""
    stem = stem[:50] or "attachment"
    return f"{stem}.{extension}" if extension else stem


# A file from a customer is never run on the desk's origin: a download, an inert type, and a
# policy that forbids everything should a browser try to render it anyway.
DOWNLOAD_POLICY = policy({"default-src": "'none'", "sandbox": ""})


def download_response(attachment: Attachment) -> FileResponse:
    """The file as a download (the web page and the API serve it the same way)."""
    if not attachment.file:
        raise Http404("This file was not kept")
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("This file is missing from storage") from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=safe_filename(attachment.filename),
        content_type=download_type(attachment.content_type),
    )
    response[HEADER] = DOWNLOAD_POLICY
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
