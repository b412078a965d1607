"""Who looks after a customer: their owner and deputy."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from rapport.lib.errors import ActionError
from rapport.people.actions.events import record_customer_event
from rapport.people.models import Agent, Customer, CustomerEventKind


@transaction.atomic
def set_relationship(
    *, customer: Customer, owner: Agent | None, deputy: Agent | None, by: Agent | None
) -> Customer:
    if owner is not None and deputy is not None and owner.pk == deputy.pk:
        raise ActionError("The deputy must be someone other than the owner.", field="deputy")
    before = {"owner": customer.owner_id, "deputy": customer.deputy_id}
    customer.owner, customer.deputy = owner, deputy
    customer.updated_at = timezone.now()
    customer.save(update_fields=["owner", "deputy", "updated_at"])
    record_customer_event(
        customer,
        by=by,
        kind=CustomerEventKind.RELATIONSHIP,
        before=before,
        after={"owner": customer.owner_id, "deputy": customer.deputy_id},
    )
    return customer
