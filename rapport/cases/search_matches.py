"""Why each search result matched: the field (subject, a message, call notes, the customer's name,
organisation or an address) and an excerpt with the matched words marked.

Worked out for one page of results with a fixed number of queries (the page's matching messages,
its matching calls, its customers with their organisations and identities), whatever the page
holds. A message or call counts when it is among the newest matches the search itself used.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connections
from django.db.models.expressions import RawSQL

from rapport.cases.models import Call, Case, Direction, Message
from rapport.cases.search import MIN_PREFIX_LENGTH, Terms, newest_word_matches, parse_query
from rapport.lib.highlight import Parts, excerpt, flatten, substring_spans, word_spans
from rapport.people.models import Customer, Identity, IdentityKind

# Enough to say why; the first is the one a list shows.
MATCHES_PER_RESULT = 3

# A message's direction -> (field, label) of a match in it.
MESSAGE_FIELDS = {
    Direction.INBOUND: ("message", "Customer wrote"),
    Direction.OUTBOUND: ("reply", "Reply"),
    Direction.NOTE: ("note", "Internal note"),
}
IDENTITY_LABELS = dict(IdentityKind.choices)


@dataclass(frozen=True, slots=True)
class Match:
    field: str  # subject, message, reply, note, call, name, preferred_name, organization, or a kind
    label: str
    parts: Parts  # (text, matched) pieces of the excerpt, to print escaped

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.parts)

    @property
    def highlights(self) -> list[tuple[int, int]]:
        """Offsets of the matched pieces in `text`."""
        spans, at = [], 0
        for text, matched in self.parts:
            if matched:
                spans.append((at, at + len(text)))
            at += len(text)
        return spans


def _words_match(field: str, label: str, text: str, terms: Terms) -> Match | None:
    """A match in `text` when it holds every word."""
    line = flatten(text)
    spans = word_spans(line, terms.words, prefix_from=MIN_PREFIX_LENGTH)
    return Match(field=field, label=label, parts=excerpt(line, spans)) if spans else None


def _indexed_match(field: str, label: str, text: str, terms: Terms) -> Match:
    """A text the index found: shown even where its words are spelt differently from what
    this finds, with what is found marked."""
    line = flatten(text)
    spans = word_spans(line, terms.words, prefix_from=MIN_PREFIX_LENGTH, require_all=False)
    return Match(field=field, label=label, parts=excerpt(line, spans))


def _identity_match(kind: str, value: str, terms: Terms, part: str) -> Match | None:
    """The identity holds a fragment, starts with a prefix, or (`part`) holds the query."""
    spans = substring_spans(value, [*terms.fragments, part]) + substring_spans(
        value, terms.prefixes, prefix_only=True
    )
    if not spans:
        return None
    label = str(IDENTITY_LABELS.get(kind, kind))
    return Match(field=kind, label=label, parts=excerpt(value, spans))


def _name_match(field: str, label: str, text: str, terms: Terms, part: str) -> Match | None:
    """Every word of the query in `text`, or (`part`) the query itself somewhere in it."""
    line = flatten(text)
    spans = word_spans(line, terms.words, prefix_from=MIN_PREFIX_LENGTH) or substring_spans(
        line, [part]
    )
    return Match(field=field, label=label, parts=excerpt(line, spans)) if spans else None


@dataclass(frozen=True, slots=True)
class _About:
    """What a customer is found by, as plain values."""

    name: str
    preferred_name: str
    organization: str
    identities: list[tuple[str, str]]  # (kind, value)

    @classmethod
    def of(cls, customer: Customer) -> _About:
        return cls(
            name=customer.name,
            preferred_name=customer.preferred_name,
            organization=customer.organization.name if customer.organization else "",
            identities=[(i.kind, i.value) for i in customer.identities.all()],
        )


def _customer_matches(about: _About, terms: Terms, part: str = "") -> list[Match]:
    found = [_name_match("name", "Customer", about.name, terms, part)]
    if about.preferred_name and about.preferred_name != about.name:
        found.append(_name_match("preferred_name", "Called", about.preferred_name, terms, part))
    if about.organization:
        found.append(_name_match("organization", "Organisation", about.organization, terms, part))
    found += [_identity_match(kind, value, terms, part) for kind, value in about.identities]
    return [match for match in found if match is not None]


def customer_matches(customers: Iterable[Customer], query: str) -> dict[int, list[Match]]:
    """Why each customer of a page of `search_customers` results matched (they come with
    `organization` and `identities` loaded): by words, or the query as part of a name or
    address, as that search finds them."""
    terms = parse_query(query)
    part = query.strip()
    if not terms:
        return {}
    return {
        customer.pk: _customer_matches(_About.of(customer), terms, part)[:MATCHES_PER_RESULT]
        for customer in customers
    }


def _newest_per_case(
    model: type[Message] | type[Call], source: str, text: str, case_ids: list[int], terms: Terms
) -> dict[int, tuple[str, str]]:
    """(direction, text) of the newest row of each case among the matches the search used."""
    sql, params = newest_word_matches(source, terms.words, connections[model.objects.db].vendor)
    rows = (
        model.objects.filter(case_id__in=case_ids, pk__in=RawSQL(sql, params))  # noqa: S611 -- user input is only a bound parameter
        .order_by("-pk")
        .values_list("case_id", "direction", text)
    )
    newest: dict[int, tuple[str, str]] = {}
    for case_id, direction, found in rows:
        newest.setdefault(case_id, (direction, found))
    return newest


def _text_matches(case_ids: list[int], terms: Terms) -> dict[int, list[Match]]:
    """The newest matching message and call of each case."""
    found: dict[int, list[Match]] = {pk: [] for pk in case_ids}
    messages = _newest_per_case(Message, "message", "text", case_ids, terms)
    for case_id, (direction, text) in messages.items():
        field, label = MESSAGE_FIELDS.get(direction, ("message", "Message"))  # type: ignore[call-overload]
        found[case_id].append(_indexed_match(field, label, text, terms))
    calls = _newest_per_case(Call, "call", "notes", case_ids, terms)
    for case_id, (_, notes) in calls.items():
        found[case_id].append(_indexed_match("call", "Call notes", notes, terms))
    return found


def case_matches(cases: Sequence[Case], query: str) -> dict[int, list[Match]]:
    """Why each case of a page of search results matched (the subject first, then the newest
    matching message and call, then the customer)."""
    terms = parse_query(query)
    if not terms or not cases:
        return {}
    case_ids = [case.pk for case in cases]
    found: dict[int, list[Match]] = {pk: [] for pk in case_ids}
    if terms.words:
        texts = _text_matches(case_ids, terms)
        for case in cases:
            subject = _words_match("subject", "Subject", case.subject, terms)
            found[case.pk] = ([subject] if subject else []) + texts[case.pk]
    # Plain values, two queries: model instances cost more than the rest of this together.
    customer_ids = {case.customer_id for case in cases}
    about = {
        pk: _About(name, preferred or "", organization or "", [])
        for pk, name, preferred, organization in Customer.objects.filter(
            pk__in=customer_ids
        ).values_list("pk", "name", "preferred_name", "organization__name")
    }
    for customer_id, kind, value in (
        Identity.objects.filter(customer_id__in=customer_ids)
        .order_by("pk")
        .values_list("customer_id", "kind", "value")
    ):
        about[customer_id].identities.append((kind, value))
    why = {pk: _customer_matches(found_by, terms) for pk, found_by in about.items()}
    return {
        pk: (found[pk] + why.get(case.customer_id, []))[:MATCHES_PER_RESULT]
        for pk, case in zip(case_ids, cases, strict=True)
    }
