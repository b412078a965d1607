"""Everything held on one person, as JSON: for the person who asks (a subject access request)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone

from rapport.datacare.actions.access import record_access, require_supervisor
from rapport.datacare.held import Held, held_for
from rapport.datacare.models import AccessKind, AccessLog
from rapport.people.models import Agent, Asset, Customer, CustomerEvent, RapportNote

FORMAT = "rapport-customer-export/1"


def _rows(rows: Iterable[Model], *, without: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Each row's own columns (foreign keys as ids), in the types the JSON encoder takes."""
    out = []
    for row in rows:
        item: dict[str, Any] = {}
        for field in row._meta.concrete_fields:
            if field.name in without:
                continue
            item[field.attname] = field.value_from_object(row)
        out.append(item)
    return out


def _file_sha256(name: str, storage: Any) -> str | None:
    try:
        with storage.open(name, "rb") as handle:
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
            return digest.hexdigest()
    except OSError:
        return None


def _attachments(held: Held) -> list[dict[str, Any]]:
    out = []
    for attachment in held.attachments:
        item = _rows([attachment], without=("file",))[0]
        item["stored_as"] = attachment.file.name
        item["sha256"] = _file_sha256(attachment.file.name, attachment.file.storage)
        out.append(item)
    return out


def _inbound_emails(held: Held) -> list[dict[str, Any]]:
    out = []
    for row in held.inbound_emails.defer("raw"):
        item = _rows([row], without=("raw", "claim"))[0]
        out.append(item)
    raw_digests = {
        pk: hashlib.sha256(bytes(raw)).hexdigest()
        for pk, raw in held.inbound_emails.filter(raw_deleted_at__isnull=True).values_list(
            "pk", "raw"
        )
    }
    for item in out:
        item["raw_sha256"] = raw_digests.get(item["id"])
    return out


def build_export(held: Held) -> dict[str, Any]:
    customer_ids = held.customer_ids
    return {
        "format": FORMAT,
        "exported_at": timezone.now(),
        "customer_id": held.customer.pk,
        "customers": _rows(held.customers),
        "identities": _rows(held.identities),
        "rapport_notes": _rows(RapportNote.objects.filter(customer_id__in=customer_ids)),
        "assets": _rows(Asset.objects.filter(customer_id__in=customer_ids)),
        "cases": _rows(held.cases),
        "messages": _rows(held.messages),
        "attachments": _attachments(held),
        "calls": _rows(held.calls),
        "promises": _rows(held.promises),
        "referrals": _rows(held.referrals),
        "appointments": _rows(held.appointments),
        "word_of_mouth": _rows(held.word_of_mouth),
        "make_goods": _rows(held.make_goods),
        "outreach_tasks": _rows(held.outreach_tasks),
        # The token and the browser's id are keys, not data about them.
        "chat_conversations": _rows(held.conversations, without=("token_hash", "visitor_id")),
        "chat_entries": _rows(held.chat_entries),
        "social_posts": _rows(held.social_posts),
        "social_responses": _rows(held.social_responses),
        "inbound_emails": _inbound_emails(held),
        "awaited_messages": _rows(held.awaited_messages),
        "customer_events": _rows(
            CustomerEvent.objects.filter(customer_id__in=customer_ids).order_by("pk")
        ),
        "case_events": _rows(held.case_events),
        "access_log": _rows(
            AccessLog.objects.filter(
                Q(customer_id__in=customer_ids)
                | Q(inbound_email_id__in=held.inbound_emails.values("pk"))
            ).order_by("pk")
        ),
    }


@transaction.atomic
def export_customer(*, customer: Customer, by: Agent | None, via: str) -> dict[str, Any]:
    """Everything held on the customer (and records merged into them); the export is logged."""
    require_supervisor(by, "export everything held on a customer")
    data = build_export(held_for(customer))
    record_access(agent=by, kind=AccessKind.EXPORT, via=via, customer_id=customer.pk)
    return data
