"""What a chat visitor may send as a file: at most `RAPPORT_CHAT_ATTACHMENT_MAX_BYTES`, of a
kind in `RAPPORT_CHAT_ATTACHMENT_TYPES` (by extension), refused in words they can act on. The
widget checks the same before sending (`limits()` is what the page tells it), the HTTP API
answers 413 or 415, and the action refuses again, so no surface skips the rule."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from rapport.cases.attachments import safe_filename


@dataclass(frozen=True)
class FileRefusal:
    status: int  # 413: too large, 415: a kind not taken
    code: str
    message: str


def kinds() -> list[str]:
    return list(settings.RAPPORT_CHAT_ATTACHMENT_TYPES)


def accept() -> str:
    """The file input's `accept` attribute: ".jpg,.png,…"."""
    return ",".join(f".{kind}" for kind in kinds())


def refusal(*, name: str, size: int) -> FileRefusal | None:
    most = settings.RAPPORT_CHAT_ATTACHMENT_MAX_BYTES
    shown = safe_filename(name)
    if size > most:
        return FileRefusal(
            413,
            "too_large",
            f"“{shown}” is {filesizeformat(size)}: files up to {filesizeformat(most)} can be sent.",
        )
    extension = PurePosixPath(shown).suffix.lower().lstrip(".")
    if extension not in kinds():
        listed = ", ".join(kind.upper() for kind in kinds())
        return FileRefusal(
            415,
            "unsupported_type",
            f"“{shown}” cannot be sent here: this chat takes {listed} files.",
        )
    if size == 0:
        return FileRefusal(422, "invalid", f"“{shown}” is empty.")
    return None
