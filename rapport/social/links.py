"""Links to posts and replies on a platform: http(s) only, so a stored link can never run script
when an agent clicks it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from rapport.lib.errors import ActionError

MAX_URL = 2000
_URL = URLValidator(schemes=["http", "https"])


def checked_link(url: str, *, field: str, what: str) -> str:
    """`url` trimmed (blank stays blank), or ActionError saying `what` it must be."""
    url = url.strip()
    if not url:
        return ""
    try:
        if len(url) > MAX_URL:
            raise ValidationError("too long")
        _URL(url)
    except ValidationError as exc:
        raise ActionError(
            f"{what} must be an http(s) address of up to {MAX_URL} characters.", field=field
        ) from exc
    return url
