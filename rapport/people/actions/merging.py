"""Two records of one person: where a merged one's history went, the addresses both hold, or
the likely-duplicate flag dismissed. Merging itself moves cases too, so it lives a layer up, in
`rapport.cases.actions.customers.merge_customers`."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from rapport.lib.errors import ActionError
from rapport.people.actions.events import record_customer_event
from rapport.people.models import Agent, Customer, CustomerEventKind

MAX_MERGE_HOPS = 10


def follow_merges(customer: Customer) -> Customer:
    """The customer this one was merged into (and so on), where their history now lives."""
    hops = 0
    while customer.merged_into_id is not None and hops < MAX_MERGE_HOPS:
        customer = Customer.objects.get(pk=customer.merged_into_id)
        hops += 1
    return customer


def drop_twin_identities(*, source: Customer, target: Customer) -> None:
    """An address both hold is kept once, on the target: verified if either copy was (merging
    says the two records are one person, not that an unverified claim is theirs)."""
    theirs = {(i.kind, i.value): i for i in target.identities.all()}
    for identity in source.identities.all():
        twin = theirs.get((identity.kind, identity.value))
        if twin is None:
            continue
        if identity.is_verified and not twin.is_verified:
            twin.delete()  # the source's verified copy moves over with the rest
        else:
            identity.delete()


@transaction.atomic
def dismiss_duplicate(*, customer: Customer, by: Agent | None) -> Customer:
    """An agent says the flagged record is not the person it looked like: the flag goes."""
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if locked.likely_duplicate_of_id is None:
        raise ActionError(f"{locked.name} is not flagged as a likely duplicate.")
    record_customer_event(
        locked,
        by=by,
        kind=CustomerEventKind.DUPLICATE_DISMISSED,
        of=locked.likely_duplicate_of_id,
        reason=locked.duplicate_reason,
    )
    locked.likely_duplicate_of, locked.duplicate_reason = None, ""
    locked.updated_at = timezone.now()
    locked.save(update_fields=["likely_duplicate_of", "duplicate_reason", "updated_at"])
    return locked
