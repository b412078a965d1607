"""A business's logo, shown on its contact page: what a supervisor uploads is re-drawn as a PNG
(`people/photos.py:redraw_logo`), so the desk serves a plain image whatever the upload held.
Each change is a desk change in the security audit."""

from __future__ import annotations

from functools import partial
from uuid import uuid4

from django.core.files.storage import default_storage
from django.db import transaction

from rapport.lib.errors import Forbidden
from rapport.lib.images import replace_png
from rapport.people.actions.audit import record_desk_change
from rapport.people.models import Agent, Brand
from rapport.people.photos import redraw_logo


@transaction.atomic
def set_brand_logo(brand: Brand, *, data: bytes, by: Agent | None) -> Brand:
    """The business's logo; the old file goes once this commits."""
    _supervisor_only(by)
    png = redraw_logo(data)
    old = replace_png(brand.logo, name=f"{brand.pk}-{uuid4().hex[:12]}.png", png=png)
    brand.save(update_fields=["logo"])
    record_desk_change(by=by, what=f"Business {brand.name}: logo {'replaced' if old else 'added'}")
    return brand


@transaction.atomic
def remove_brand_logo(brand: Brand, *, by: Agent | None) -> Brand:
    """Its pages show its name alone."""
    _supervisor_only(by)
    old = brand.logo.name
    if old:
        brand.logo = ""
        brand.save(update_fields=["logo"])
        transaction.on_commit(partial(default_storage.delete, old))
        record_desk_change(by=by, what=f"Business {brand.name}: logo removed")
    return brand


def _supervisor_only(by: Agent | None) -> None:
    """`by` None is the operator at the command line; an agent must be a supervisor."""
    if by is not None and not by.is_supervisor:
        raise Forbidden("Only a supervisor can change a business's logo.")
