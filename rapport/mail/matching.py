"""Which case an inbound email belongs to. Reads only; every lookup is indexed.

In order: (1) In-Reply-To, then References newest first, matching a message we already hold
(inbound or outbound) by `Message.external_id`; (2) a case token "[#123]" in the subject or a
plus-addressed recipient "support+123@...", only for a case of the same customer, so a stranger
cannot write into someone else's case; (3) an active case of the same customer whose subject
matches, updated within RAPPORT_THREAD_WINDOW_DAYS. No match: the caller opens a new case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings

from rapport.cases.models import ACTIVE_STATUSES, Case, Message, Status
from rapport.mail.intake import bracketed
from rapport.mail.parse import ParsedEmail, parse_message_ids
from rapport.mail.threading import case_token, normalise_subject
from rapport.people.models import Customer

_TOKEN = re.compile(r"\[\s*(?:[A-Za-z][\w-]{0,20}\s*)?#\s*\d{1,12}\s*\]")
_PLUS_CASE = re.compile(r"^[^@+\s]+\+(?:case-?)?(\d{1,12})@", re.IGNORECASE)
SUBJECT_CANDIDATES = 50
MAX_MERGE_HOPS = 10


@dataclass(frozen=True)
class ThreadMatch:
    case: Case
    rule: str  # in_reply_to | references | subject_token | plus_address | subject
    reason: str


@dataclass
class Lookup:
    match: ThreadMatch | None = None
    notes: list[str] = field(default_factory=list)


def find_case(
    parsed: ParsedEmail,
    *,
    own_message_id: str,
    customer: Customer | None,
    recipients: Iterable[str],
    received_at: datetime,
    by_subject: bool = True,
) -> Lookup:
    lookup = Lookup()
    lookup.match = (
        by_headers(parsed, own_message_id=own_message_id)
        or _by_token(parsed, customer=customer, recipients=recipients, notes=lookup.notes)
        or (
            _by_subject(parsed.subject, customer=customer, received_at=received_at)
            if by_subject and customer is not None
            else None
        )
    )
    return lookup


def by_headers(parsed: ParsedEmail, *, own_message_id: str = "") -> ThreadMatch | None:
    """The case of the message this one answers: In-Reply-To first, then References, newest
    first (a client that trims References keeps the most recent ones)."""
    wanted: list[tuple[str, str]] = [("in_reply_to", bracketed(i)) for i in parsed.in_reply_to]
    wanted += [("references", bracketed(r)) for r in reversed(parsed.references)]
    return match_message_ids(wanted, own_message_id=own_message_id)


def match_message_ids(
    wanted: list[tuple[str, str]], *, own_message_id: str = ""
) -> ThreadMatch | None:
    ids = [mid for _, mid in wanted if mid and mid != own_message_id]
    if not ids:
        return None
    found: dict[str, int] = {}
    for external_id, case_id in (
        Message.objects.filter(external_id__in=set(ids))
        .order_by("pk")
        .values_list("external_id", "case_id")
    ):
        found.setdefault(external_id or "", case_id)
    for rule, mid in wanted:
        if mid not in found or mid == own_message_id:
            continue
        case = usable_case(found[mid])
        if case is not None:
            label = "In-Reply-To" if rule == "in_reply_to" else "References"
            return ThreadMatch(case, rule, f"{label} {mid} is on case #{case.pk}")
    return None


def message_ids_in(values: Iterable[str]) -> list[str]:
    return [bracketed(i) for value in values for i in parse_message_ids(value)]


def usable_case(case_id: int) -> Case | None:
    """The case, or the case it was merged into; None if it is closed (a new case is opened)."""
    case = Case.objects.select_related("customer").filter(pk=case_id).first()
    hops = 0
    while case is not None and case.merged_into_id is not None and hops < MAX_MERGE_HOPS:
        case = Case.objects.select_related("customer").filter(pk=case.merged_into_id).first()
        hops += 1
    if case is None or case.status == Status.CLOSED:
        return None
    return case


def _by_token(
    parsed: ParsedEmail, *, customer: Customer | None, recipients: Iterable[str], notes: list[str]
) -> ThreadMatch | None:
    candidates: list[tuple[str, int]] = []
    token = case_token(parsed.subject)
    if token is not None:
        candidates.append(("subject_token", token))
    for address in recipients:
        plus = _PLUS_CASE.match(address.strip())
        if plus:
            candidates.append(("plus_address", int(plus.group(1))))
    seen: set[int] = set()
    for rule, case_id in candidates:
        if case_id in seen:
            continue
        seen.add(case_id)
        case = usable_case(case_id)
        where = "subject" if rule == "subject_token" else "recipient address"
        if case is None:
            notes.append(f"case #{case_id} in the {where} is closed or does not exist")
            continue
        if customer is None or case.customer_id != customer.pk:
            # Never let a token written by someone else put mail into another customer's case.
            notes.append(f"case #{case_id} in the {where} belongs to another customer; ignored")
            continue
        return ThreadMatch(case, rule, f"case #{case.pk} named in the {where}")
    return None


def _by_subject(subject: str, *, customer: Customer, received_at: datetime) -> ThreadMatch | None:
    days = settings.RAPPORT_THREAD_WINDOW_DAYS
    topic = subject_key(subject)
    if days <= 0 or not topic:
        return None
    # Subjects only: a customer with many open cases costs one narrow read, not 50 cases built.
    recent = (
        Case.objects.filter(
            customer=customer,
            status__in=ACTIVE_STATUSES,
            merged_into__isnull=True,
            updated_at__gte=received_at - timedelta(days=days),
        )
        .order_by("-updated_at")
        .values_list("pk", "subject")[:SUBJECT_CANDIDATES]
    )
    case_id = next((pk for pk, other in recent if subject_key(other) == topic), None)
    case = Case.objects.select_related("customer").filter(pk=case_id).first() if case_id else None
    if case is None:
        return None
    return ThreadMatch(
        case,
        "subject",
        f"same subject as open case #{case.pk} of this customer (within {days} days)",
    )


def subject_key(subject: str) -> str:
    """The subject for comparison: no reply prefixes, no case tokens, case-folded."""
    return normalise_subject(_TOKEN.sub(" ", subject or ""))
