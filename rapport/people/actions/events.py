"""The customer's audit trail: every action on a customer writes its row here.

`record_customer_event` writes one row, `record_customer_events` a batch in one statement
(customers made in bulk at intake). The kinds are `CustomerEventKind` in `rapport.people.models`:
a new kind is a new member there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from rapport.lib.bulk import insert_each
from rapport.people.models import Agent, Customer, CustomerEvent, CustomerEventKind


@dataclass(frozen=True, slots=True, kw_only=True)
class NewCustomerEvent:
    """One event of a batch for `record_customer_events`; the fields of `record_customer_event`."""

    customer: Customer
    kind: CustomerEventKind
    by: Agent | None
    data: Mapping[str, Any] = field(default_factory=dict)


def record_customer_event(
    customer: Customer,
    *,
    kind: CustomerEventKind,
    by: Agent | None,
    at: datetime | None = None,
    **data: Any,
) -> CustomerEvent:
    """Write what `by` did to `customer` (at `at`, default now); `data` says the details."""
    event = _customer_event(
        NewCustomerEvent(customer=customer, kind=kind, by=by, data=data), at=at or timezone.now()
    )
    event.save(force_insert=True)
    return event


def record_customer_events(
    events: Iterable[NewCustomerEvent], *, at: datetime | None = None
) -> None:
    """Write many events in one statement, all at `at` (default now)."""
    when = at or timezone.now()
    insert_each(CustomerEvent, [_customer_event(event, at=when) for event in events])


def _customer_event(event: NewCustomerEvent, *, at: datetime) -> CustomerEvent:
    return CustomerEvent(
        customer=event.customer,
        actor=event.by,
        kind=event.kind,
        data=dict(event.data),
        created_at=at,
    )
