"""Images the desk drew itself (an agent's photo, a business's logo): stored in place of the
last one, and served inline as PNG."""

from __future__ import annotations

from functools import partial

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def replace_png(file: FieldFile, *, name: str, png: bytes) -> str:
    """`png` saved as the field's file (the row is not saved); the old file is deleted once the
    transaction commits. Returns the old file's name ("" when there was none)."""
    old = file.name or ""
    file.save(name, ContentFile(png), save=False)
    if old:
        transaction.on_commit(partial(default_storage.delete, old))
    return old


def png_response(file: FieldFile, *, cache: str, missing: str) -> FileResponse:
    """The stored PNG, inline; a 404 saying `missing` when there is none."""
    if not file:
        raise Http404(missing)
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:  # the row outlived its file (a restore without the files)
        raise Http404(missing) from exc
    response = FileResponse(handle, content_type="image/png")
    response["Cache-Control"] = cache
    response["Content-Disposition"] = "inline"
    return response
