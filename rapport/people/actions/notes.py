"""What the desk remembers about a customer: rapport notes and assets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from rapport.lib.errors import ActionError
from rapport.people.actions.events import record_customer_event
from rapport.people.models import Agent, Asset, Customer, CustomerEventKind, RapportNote


@transaction.atomic
def add_rapport_note(*, customer: Customer, text: str, by: Agent | None) -> RapportNote:
    text = text.strip()
    if not text:
        raise ActionError("A rapport note needs some text.", field="text")
    if len(text) > 500:
        raise ActionError("Keep a rapport note under 500 characters.", field="text")
    note = RapportNote.objects.create(customer=customer, text=text, author=by)
    record_customer_event(customer, by=by, kind=CustomerEventKind.NOTE_ADDED, text=text)
    return note


@transaction.atomic
def set_note_pinned(*, note: RapportNote, pinned: bool, by: Agent | None) -> RapportNote:
    note.pinned = pinned
    note.save(update_fields=["pinned"])
    record_customer_event(
        note.customer,
        by=by,
        kind=CustomerEventKind.NOTE_PINNED if pinned else CustomerEventKind.NOTE_UNPINNED,
        note=note.pk,
    )
    return note


@transaction.atomic
def delete_rapport_note(*, note: RapportNote, by: Agent | None) -> None:
    record_customer_event(note.customer, by=by, kind=CustomerEventKind.NOTE_DELETED, text=note.text)
    note.delete()


@transaction.atomic
def add_asset(
    *,
    customer: Customer,
    name: str,
    by: Agent | None,
    kind: str = "",
    reference: str = "",
    attributes: Mapping[str, Any] | None = None,
) -> Asset:
    if not name.strip():
        raise ActionError("An asset needs a name.", field="name")
    attrs = dict(attributes or {})
    if not all(isinstance(key, str) and key.strip() for key in attrs):
        raise ActionError("Asset attribute names must be non-empty text.", field="attributes")
    asset = Asset.objects.create(
        customer=customer,
        name=name.strip(),
        kind=kind.strip(),
        reference=reference.strip(),
        attributes=attrs,
    )
    record_customer_event(
        customer, by=by, kind=CustomerEventKind.ASSET_ADDED, asset=asset.pk, name=asset.name
    )
    return asset
