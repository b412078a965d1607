"""Which case an inbound email belongs to. Reads only; every lookup is indexed.

In order: (1) In-Reply-To, then References newest first, matching a message we already hold
(inbound or outbound) by `Message.external_id`; (1b) a parent that arrives after its replies:
its Message-ID is one that mail on a case answers (an `AwaitedMessage`), so it joins that case,
as JWZ threading would; and a reply to a message we never received joins the case where the
same customer already answered that message; (2) a case token "[#123]" in the subject or a
plus-addressed recipient "support+123@...", only for a case of the same customer, so a stranger
cannot write into someone else's case; (3) an active case of the same customer whose subject
matches, updated within RAPPORT_THREAD_WINDOW_DAYS. No match: the caller opens a new case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings

from rapport.cases.models import ACTIVE_STATUSES, Case, Message, Status
from rapport.lib.ranked import newest_per
from rapport.mail.intake import bracketed
from rapport.mail.models import AwaitedMessage
from rapport.mail.parse import ParsedEmail, parse_message_ids
from rapport.mail.threading import case_token, normalise_subject

_TOKEN = re.compile(r"\[\s*(?:[A-Za-z][\w-]{0,20}\s*)?#\s*\d{1,12}\s*\]")
_PLUS_CASE = re.compile(r"^[^@+\s]+\+(?:case-?)?(\d{1,12})@", re.IGNORECASE)
SUBJECT_CANDIDATES = 50
MAX_MERGE_HOPS = 10
MAX_AWAITED = 20  # Message-IDs not held remembered per mail (References can be long)


@dataclass(frozen=True)
class ThreadMatch:
    case: Case
    rule: str  # in_reply_to | references | later_parent | subject_token | plus_address | subject
    reason: str


@dataclass
class Lookup:
    match: ThreadMatch | None = None
    notes: list[str] = field(default_factory=list)
    # The Message-IDs it answers that the desk does not hold: remembered with its case.
    awaited: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Request:
    """One mail to place: its headers, the customer it is from (None for a sender not yet a
    customer, who has no case a token or subject could name) and where it was sent."""

    parsed: ParsedEmail
    own_message_id: str
    customer_id: int | None
    recipients: tuple[str, ...]
    received_at: datetime
    by_subject: bool = True


def find_cases(requests: Sequence[Request]) -> list[Lookup]:
    """Each mail's case (in the order of the module's docstring), with three reads for the
    lot: the messages their headers name, the candidate subjects of their customers, and the
    cases."""
    wanted = [_header_ids(r.parsed) for r in requests]
    tokens = [_token_ids(r.parsed, r.recipients) for r in requests]
    messages = _cases_of_messages({mid for ids in wanted for _, mid in ids if mid})
    missing = [
        [mid for _, mid in ids if mid and mid != r.own_message_id and mid not in messages]
        for r, ids in zip(requests, wanted, strict=True)
    ]
    awaited = _awaited({r.own_message_id for r in requests} | {m for ids in missing for m in ids})
    topics = _subject_candidates([r for r in requests if _wants_subject(r)])
    cases = usable_cases(
        {
            *messages.values(),
            *(case_id for ids in tokens for _, case_id in ids),
            *(case_id for found in topics.values() for case_id, _ in found),
            *(case_id for found in awaited.values() for case_id, _ in found),
        }
    )
    lookups = []
    for request, header_ids, token_ids, unheld in zip(
        requests, wanted, tokens, missing, strict=True
    ):
        lookup = Lookup(awaited=list(dict.fromkeys(unheld))[:MAX_AWAITED])
        lookup.match = (
            _by_headers(header_ids, request.own_message_id, messages, cases)
            or _by_later_parent(request.own_message_id, awaited, cases, lookup.notes)
            or _by_missing_parent(unheld, request.customer_id, awaited, cases)
            or _by_token(token_ids, request.customer_id, cases, lookup.notes)
            or _by_subject(request, topics, cases)
        )
        lookups.append(lookup)
    return lookups


def _awaited(ids: set[str]) -> dict[str, list[tuple[int, int | None]]]:
    """Message-ID -> the (case, customer) of each mail that answers it while the desk does not
    hold it, first remembered first."""
    found: dict[str, list[tuple[int, int | None]]] = {}
    ids.discard("")
    if not ids:
        return found
    rows = AwaitedMessage.objects.filter(message_id__in=ids).order_by("pk")
    for message_id, case_id, customer_id in rows.values_list(
        "message_id", "case_id", "customer_id"
    ):
        found.setdefault(message_id, []).append((case_id, customer_id))
    return found


def _by_later_parent(
    own_message_id: str,
    awaited: dict[str, list[tuple[int, int | None]]],
    cases: dict[int, Case | None],
    notes: list[str],
) -> ThreadMatch | None:
    """A parent that arrives after its replies joins the case its first reply opened (the
    replies it gathers as JWZ would; cases other replies opened are named, never merged)."""
    usable: dict[int, Case] = {}
    for case_id, _ in awaited.get(own_message_id, []):
        case = cases.get(case_id)
        if case is not None:
            usable.setdefault(case.pk, case)
    if not usable:
        return None
    case, *others = usable.values()
    if others:
        named = ", ".join(f"#{other.pk}" for other in others)
        notes.append(f"replies to it are also on case {named}")
    return ThreadMatch(
        case, "later_parent", f"replies on case #{case.pk} answer this mail, which came after them"
    )


def _by_missing_parent(
    unheld: list[str],
    customer_id: int | None,
    awaited: dict[str, list[tuple[int, int | None]]],
    cases: dict[int, Case | None],
) -> ThreadMatch | None:
    """A reply to a message the desk never received joins the case where the same customer
    already answered it. Another person's answer to the same unseen message is no evidence
    that their mail belongs together (two customers replying to one newsletter), so it is
    left to the other rules."""
    if customer_id is None:
        return None
    for mid in unheld:
        for case_id, answered_by in awaited.get(mid, []):
            case = cases.get(case_id)
            if case is not None and answered_by == customer_id and case.customer_id == customer_id:
                return ThreadMatch(
                    case,
                    "references",
                    f"answers {mid}, not received, as this customer's mail on case #{case.pk} does",
                )
    return None


def _header_ids(parsed: ParsedEmail) -> list[tuple[str, str]]:
    """The messages this one answers: In-Reply-To first, then References, newest first (a
    client that trims References keeps the most recent ones)."""
    wanted: list[tuple[str, str]] = [("in_reply_to", bracketed(i)) for i in parsed.in_reply_to]
    wanted += [("references", bracketed(r)) for r in reversed(parsed.references)]
    return wanted


def match_message_ids(
    wanted: list[tuple[str, str]], *, own_message_id: str = ""
) -> ThreadMatch | None:
    messages = _cases_of_messages({mid for _, mid in wanted if mid and mid != own_message_id})
    return _by_headers(wanted, own_message_id, messages, usable_cases(set(messages.values())))


def _cases_of_messages(ids: set[str]) -> dict[str, int]:
    """Message-ID -> case of the first message we hold with it (inbound or outbound)."""
    found: dict[str, int] = {}
    if not ids:
        return found
    for external_id, case_id in (
        Message.objects.filter(external_id__in=ids)
        .order_by("pk")
        .values_list("external_id", "case_id")
    ):
        found.setdefault(external_id or "", case_id)
    return found


def _by_headers(
    wanted: list[tuple[str, str]],
    own_message_id: str,
    messages: dict[str, int],
    cases: dict[int, Case | None],
) -> ThreadMatch | None:
    for rule, mid in wanted:
        if not mid or mid == own_message_id or mid not in messages:
            continue
        case = cases.get(messages[mid])
        if case is not None:
            label = "In-Reply-To" if rule == "in_reply_to" else "References"
            return ThreadMatch(case, rule, f"{label} {mid} is on case #{case.pk}")
    return None


def message_ids_in(values: Iterable[str]) -> list[str]:
    return [bracketed(i) for value in values for i in parse_message_ids(value)]


_PLACING_FIELDS = ("customer_id", "status", "merged_into_id", "subject", "owner_id", "team_id")


def usable_cases(case_ids: set[int]) -> dict[int, Case | None]:
    """Each case, or the case it was merged into; None if it is closed (a new case is opened)
    or missing. One query (and one more per merge followed)."""
    # Only what placing a mail reads of a case: the case is read again, whole and locked, by
    # the action that writes to it.
    cases = Case.objects.only(*_PLACING_FIELDS)
    found = cases.in_bulk(case_ids) if case_ids else {}
    usable: dict[int, Case | None] = {}
    for case_id in case_ids:
        case = found.get(case_id)
        hops = 0
        while case is not None and case.merged_into_id is not None and hops < MAX_MERGE_HOPS:
            case = cases.filter(pk=case.merged_into_id).first()
            hops += 1
        usable[case_id] = None if case is None or case.status == Status.CLOSED else case
    return usable


def _token_ids(parsed: ParsedEmail, recipients: Iterable[str]) -> list[tuple[str, int]]:
    candidates: list[tuple[str, int]] = []
    token = case_token(parsed.subject)
    if token is not None:
        candidates.append(("subject_token", token))
    for address in recipients:
        plus = _PLUS_CASE.match(address.strip())
        if plus:
            candidates.append(("plus_address", int(plus.group(1))))
    return candidates


def _by_token(
    candidates: list[tuple[str, int]],
    customer_id: int | None,
    cases: dict[int, Case | None],
    notes: list[str],
) -> ThreadMatch | None:
    seen: set[int] = set()
    for rule, case_id in candidates:
        if case_id in seen:
            continue
        seen.add(case_id)
        case = cases.get(case_id)
        where = "subject" if rule == "subject_token" else "recipient address"
        if case is None:
            notes.append(f"case #{case_id} in the {where} is closed or does not exist")
            continue
        if customer_id is None or case.customer_id != customer_id:
            # Never let a token written by someone else put mail into another customer's case.
            notes.append(f"case #{case_id} in the {where} belongs to another customer; ignored")
            continue
        return ThreadMatch(case, rule, f"case #{case.pk} named in the {where}")
    return None


def _wants_subject(request: Request) -> bool:
    return (
        request.by_subject
        and request.customer_id is not None
        and settings.RAPPORT_THREAD_WINDOW_DAYS > 0
        and bool(subject_key(request.parsed.subject))
    )


def _subject_candidates(requests: Sequence[Request]) -> dict[int, list[tuple[int, datetime]]]:
    """Each customer's active cases (id, last update) whose subject could match, newest first,
    at most SUBJECT_CANDIDATES of them: subjects only, so a customer with many open cases costs
    one narrow read, not 50 cases built."""
    if not requests:
        return {}
    window = timedelta(days=settings.RAPPORT_THREAD_WINDOW_DAYS)
    topics = {(r.customer_id, subject_key(r.parsed.subject)) for r in requests}
    rows = newest_per(
        Case,
        partition="customer_id",
        order=["-updated_at", "-pk"],  # ties broken the same way on every database
        limit=SUBJECT_CANDIDATES,
        columns=["pk", "customer_id", "subject", "updated_at"],
        where={
            "customer_id__in": sorted({customer for customer, _ in topics}),
            "status__in": sorted(ACTIVE_STATUSES),
            "merged_into__isnull": True,
            "updated_at__gte": min(r.received_at for r in requests) - window,
        },
    )
    found: dict[int, list[tuple[int, datetime]]] = {}
    for pk, customer_id, subject, updated_at in rows:
        if (customer_id, subject_key(subject)) in topics:
            found.setdefault(customer_id, []).append((pk, updated_at))
    return found


def _by_subject(
    request: Request, topics: dict[int, list[tuple[int, datetime]]], cases: dict[int, Case | None]
) -> ThreadMatch | None:
    if not _wants_subject(request) or request.customer_id is None:
        return None
    days = settings.RAPPORT_THREAD_WINDOW_DAYS
    topic = subject_key(request.parsed.subject)
    since = request.received_at - timedelta(days=days)
    for case_id, updated_at in topics.get(request.customer_id, []):
        case = cases.get(case_id)
        if updated_at >= since and case is not None and subject_key(case.subject) == topic:
            return ThreadMatch(
                case,
                "subject",
                f"same subject as open case #{case.pk} of this customer (within {days} days)",
            )
    return None


def subject_key(subject: str) -> str:
    """The subject for comparison: no reply prefixes, no case tokens, case-folded."""
    return normalise_subject(_TOKEN.sub(" ", subject or ""))
