"""The customer's audit trail: every action on a customer writes one row here."""

from __future__ import annotations

from typing import Any

from rapport.people.models import Agent, Customer, CustomerEvent


def record_customer_event(customer: Customer, *, by: Agent | None, kind: str, **data: Any) -> None:
    CustomerEvent.objects.create(customer=customer, actor=by, kind=kind, data=data)
