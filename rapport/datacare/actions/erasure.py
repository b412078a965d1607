"""Erasure of a customer: their personal data removed everywhere, the statistics kept.

The customer row, their cases, messages, calls and promises stay as anonymous rows (the case
counts, timings, promise and make-good figures are unchanged); every text they wrote or that
was written about them is cleared, their identities, rapport notes, assets and raw mail are
deleted, attachment files removed from disk, and the search index forgets them. The erasure is
audited with who, when, which customer and how many rows, and nothing personal.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from rapport.care.models import UNKEPT, PromiseStatus
from rapport.cases.models import ACTIVE_STATUSES, CaseEvent, DeliveryStatus, Notification, Status
from rapport.cases.search import SQLITE_FTS
from rapport.chat.models import EntryKind
from rapport.datacare.actions.access import require_supervisor
from rapport.datacare.held import Held, held_for
from rapport.mail.actions.outbox import cancel_address_mail
from rapport.outreach.models import AudienceImport
from rapport.people.actions.events import record_customer_event
from rapport.people.models import (
    Agent,
    Asset,
    Customer,
    CustomerEvent,
    CustomerEventKind,
    Identity,
    RapportNote,
)
from rapport.surveys.models import SkipReason, Survey, SurveyStatus

logger = logging.getLogger("rapport.datacare")

ERASED = "(erased)"
ERASED_NAME = "Erased customer"
# Audit values that are statuses, ids and choices, not anybody's words: kept so the history of
# a case (opened, assigned, resolved) still adds up.
KEPT_KEYS = frozenset(
    {
        "status",
        "priority",
        "channel",
        "outcome",
        "kind",
        "tier",
        "severity",
        "owner",
        "team",
        "case",
        "message",
        "call",
        "promise",
        "due_at",
        "tags",
        "recommended_contact",  # triage's call, callback or reply: a choice, not their words
    }
)
_ISO_MOMENT = re.compile(r"^\d{4}-\d\d-\d\d([T ][\d:.]+)?([+-]\d\d:?\d\d|Z)?$")


@dataclass(frozen=True, slots=True)
class Erased:
    """How many rows the erasure touched, by kind (the audit records these numbers only)."""

    customers: int
    identities: int
    rapport_notes: int
    assets: int
    cases: int
    messages: int
    attachments: int
    calls: int
    case_events: int
    promises: int
    make_goods: int
    outreach_tasks: int
    inbound_emails: int
    customer_events: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def scrub(value: Any, key: str = "") -> Any:
    """Words out, structure kept: strings become "(erased)" unless they are a kept choice."""
    if isinstance(value, dict):
        return {k: scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, key) for v in value]
    if isinstance(value, str) and value:
        if key in KEPT_KEYS or _ISO_MOMENT.match(value):
            return value
        return ERASED
    return value


def _terms(held: Held) -> list[str]:
    """What would name them in free text elsewhere: their names and addresses."""
    terms = set()
    for name, preferred in held.customers.values_list("name", "preferred_name"):
        terms |= {name.strip().lower(), preferred.strip().lower()}
    terms |= {value.lower() for value in held.identities.values_list("value", flat=True)}
    return sorted(term for term in terms if len(term) >= 3)


def _names_them(line: str, terms: Iterable[str]) -> bool:
    lowered = line.lower()
    digits = re.sub(r"\D", "", line)
    for term in terms:
        if term in lowered:
            return True
        term_digits = term.lstrip("+")
        if term_digits.isdigit() and len(term_digits) >= 6 and term_digits[-9:] in digits:
            return True
    return False


def _erase_from_imports(held: Held, terms: list[str]) -> None:
    """An uploaded audience list names many people: only the lines naming this one go."""
    incidents = held.outreach_tasks.values("incident_id")
    for upload in AudienceImport.objects.filter(incident_id__in=incidents):
        kept = [line for line in upload.content.splitlines(True) if not _names_them(line, terms)]
        errors = [e for e in upload.errors if not _names_them(str(e), terms)]
        upload.content = "".join(kept)
        upload.errors = errors
        upload.save(update_fields=["content", "errors"])


def _erase_texts(held: Held, now: datetime) -> dict[str, int]:
    counts: dict[str, int] = {}
    held.messages.filter(
        delivery_status__in=(DeliveryStatus.QUEUED, DeliveryStatus.SENDING)
    ).update(delivery_status=DeliveryStatus.FAILED)
    counts["messages"] = held.messages.update(
        text=ERASED, subject="", html="", external_id=None, delivery_error=""
    )
    counts["calls"] = held.calls.update(phone="", notes="")
    for case in held.cases.only("pk", "triage", "status"):
        case.subject, case.last_message_preview = ERASED, ""
        case.triage = scrub(case.triage)
        case.updated_at = now
        fields = ["subject", "last_message_preview", "triage", "updated_at"]
        if case.status in ACTIVE_STATUSES:
            case.status = Status.CLOSED
            fields.append("status")
        case.save(update_fields=fields)
    counts["cases"] = len(held.case_ids)
    events = list(held.case_events.only("pk", "before", "after", "reason"))
    for event in events:
        event.before, event.after, event.reason = scrub(event.before), scrub(event.after), ""
    CaseEvent.objects.bulk_update(events, ["before", "after", "reason"], batch_size=500)
    counts["case_events"] = len(events)
    held.notifications.update(text=ERASED)
    counts["promises"] = held.promises.update(purpose=ERASED, script="", outcome_notes="")
    held.promises.filter(status__in=UNKEPT).update(status=PromiseStatus.CANCELLED, updated_at=now)
    held.referrals.update(situation=ERASED, tried="", needs=ERASED, handback_note="")
    for word in held.word_of_mouth:
        word.note = ""
        if word.referrer_id in held.customer_ids and word.referred_id is None:
            word.referred_text = ERASED
        if word.referred_id in held.customer_ids and word.referrer_id is None:
            word.referrer_text = ERASED
        word.save(update_fields=["note", "referrer_text", "referred_text"])
    # Their survey answers' words go; the scores stay for the figures; nothing more is sent.
    surveys = Survey.objects.filter(customer_id__in=held.customer_ids)
    surveys.update(comment="", thank="", heard_from="")
    surveys.filter(status=SurveyStatus.SCHEDULED).update(
        status=SurveyStatus.SKIPPED, skip_reason=SkipReason.OPTED_OUT
    )
    # Their chats: what they typed to start them and the system lines written about them; the
    # codes mailed to prove an address, and such a mail not sent yet (it holds the address).
    typed = [e for e in held.conversations.values_list("email", flat=True) if e]
    cancel_address_mail(addresses={*held.email_addresses, *typed})
    held.conversations.update(name="", email="")
    held.chat_entries.filter(kind=EntryKind.SYSTEM).update(text=ERASED)
    held.email_codes.delete()
    # Their public posts: who wrote what, and links to it and to the answers. The platform and
    # the post's id stay, so the same post delivered again is a duplicate, not taken in anew.
    held.social_posts.update(
        author_handle="", author_id="", author_name="", text=ERASED, url="", in_reply_to=""
    )
    held.social_responses.update(url="", note="")
    counts["make_goods"] = held.make_goods.update(description=ERASED, decision_note="")
    counts["outreach_tasks"] = held.outreach_tasks.update(details={}, reference="")
    return counts


def _forget_search_index() -> None:
    """FTS5 keeps a deleted row's words in its segments until they are merged: merge them all."""
    if connection.vendor != "sqlite":
        return  # PostgreSQL's side tables are rewritten row by row by their triggers
    with connection.cursor() as cursor:
        for fts, _, _ in SQLITE_FTS:
            cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('optimize')")  # noqa: S608 -- constant names


def _erase_mentions_elsewhere(held: Held, terms: list[str]) -> None:
    """Records of other people that quote this one: a likely duplicate's note of the address it
    shares with them, and the merge suggestions sent to their owner and deputy."""
    for event in CustomerEvent.objects.filter(
        kind=CustomerEventKind.LIKELY_DUPLICATE, data__of__in=held.customer_ids
    ):
        event.data = scrub(event.data)
        event.save(update_fields=["data"])
    # A record flagged as likely this person quotes the address they share; the flag points at
    # nobody now.
    Customer.objects.filter(likely_duplicate_of__in=held.customer_ids).update(
        likely_duplicate_of=None, duplicate_reason=""
    )
    if terms:
        mentions = Q()
        for term in terms:
            mentions |= Q(text__icontains=term)
        Notification.objects.filter(mentions, case__isnull=True).update(text=ERASED)


def _after_commit(files: list[str]) -> None:
    for name in files:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("Could not delete the erased attachment file %s", name)
    if connection.vendor == "sqlite":
        # Old pages of the erased rows may still sit in the write-ahead log.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@transaction.atomic
def erase_customer(*, customer: Customer, by: Agent | None, via: str) -> Erased:
    """Remove the customer's personal data everywhere; keep anonymous rows for statistics."""
    require_supervisor(by, "erase a customer")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # Freed pages are overwritten with zeros, so the file keeps no copy of the words.
            cursor.execute("PRAGMA secure_delete = ON")
    now = timezone.now()
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    held = held_for(customer)
    terms = _terms(held)
    _erase_from_imports(held, terms)
    _erase_mentions_elsewhere(held, terms)
    attachments = list(held.attachments.values_list("pk", "file"))
    held.attachments.delete()
    inbound_emails, _ = held.inbound_emails.delete()
    held.awaited_messages.delete()  # the Message-IDs of their mail that replies would thread on
    counts = _erase_texts(held, now)
    identities, _ = Identity.objects.filter(customer_id__in=held.customer_ids).delete()
    notes, _ = RapportNote.objects.filter(customer_id__in=held.customer_ids).delete()
    assets, _ = Asset.objects.filter(customer_id__in=held.customer_ids).delete()
    events, _ = CustomerEvent.objects.filter(customer_id__in=held.customer_ids).delete()
    held.customers.update(
        name=ERASED_NAME,
        preferred_name="",
        duplicate_reason="",  # quotes an address or number they typed
        organization=None,
        timezone="UTC",
        updated_at=now,
    )
    erased = Erased(
        customers=len(held.customer_ids),
        identities=identities,
        rapport_notes=notes,
        assets=assets,
        attachments=len(attachments),
        inbound_emails=inbound_emails,
        customer_events=events,
        **counts,
    )
    record_customer_event(
        customer,
        kind=CustomerEventKind.ERASED,
        by=by,
        at=now,
        via=via,
        customer_ids=held.customer_ids,
        counts=erased.as_dict(),
    )
    _forget_search_index()
    files = [name for _, name in attachments if name]
    transaction.on_commit(lambda: _after_commit(files))
    return erased


def is_erased(customer: Customer) -> bool:
    return CustomerEvent.objects.filter(customer=customer, kind=CustomerEventKind.ERASED).exists()
