"""Two records of one person: merged with all their history, or the likely-duplicate flag
dismissed."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from rapport.lib.errors import ActionError
from rapport.people.actions.events import record_customer_event
from rapport.people.models import Agent, Customer

MAX_MERGE_HOPS = 10


def follow_merges(customer: Customer) -> Customer:
    """The customer this one was merged into (and so on), where their history now lives."""
    hops = 0
    while customer.merged_into_id is not None and hops < MAX_MERGE_HOPS:
        customer = Customer.objects.get(pk=customer.merged_into_id)
        hops += 1
    return customer


@transaction.atomic
def merge_customers(*, source: Customer, target: Customer, by: Agent | None) -> Customer:
    """Move every case, message, call, identity, note and asset of `source` onto `target`."""
    # Hidden layering break (people must not know cases): merging customers moves up to cases.
    from rapport.cases.models import Call, Case, Message  # noqa: PLC0415

    if source.pk == target.pk:
        raise ActionError("A customer cannot be merged into themselves.")
    # Lock both rows in a stable order so two concurrent merges cannot interleave.
    locked = {
        c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
    }
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id is not None:
        raise ActionError(f"{source.name} was already merged into another customer.")
    if target.merged_into_id is not None:
        raise ActionError(f"{target.name} was merged away; merge into the surviving customer.")
    _drop_twin_identities(source=source, target=target)
    moved = {
        "cases": Case.objects.filter(customer=source).update(customer=target),
        "messages": Message.objects.filter(customer=source).update(customer=target),
        "calls": Call.objects.filter(customer=source).update(customer=target),
        "identities": source.identities.update(customer=target, is_primary=False),
        "notes": source.rapport_notes.update(customer=target),
        "assets": source.assets.update(customer=target),
    }
    if target.owner_id is None and source.owner_id is not None:
        target.owner_id = source.owner_id
    if target.deputy_id is None and source.deputy_id not in (None, target.owner_id):
        target.deputy_id = source.deputy_id
    if target.likely_duplicate_of_id == source.pk:  # the flag was about this very pair
        target.likely_duplicate_of, target.duplicate_reason = None, ""
    target.updated_at = timezone.now()
    target.save(
        update_fields=["owner", "deputy", "likely_duplicate_of", "duplicate_reason", "updated_at"]
    )
    source.merged_into = target
    source.likely_duplicate_of, source.duplicate_reason = None, ""
    source.save(update_fields=["merged_into", "likely_duplicate_of", "duplicate_reason"])
    # Records flagged as likely this one are now likely the one it joined.
    Customer.objects.filter(likely_duplicate_of=source).exclude(pk=target.pk).update(
        likely_duplicate_of=target
    )
    record_customer_event(
        target, by=by, kind="merged", source=source.pk, source_name=source.name, moved=moved
    )
    record_customer_event(source, by=by, kind="merged_into", target=target.pk)
    return target


def _drop_twin_identities(*, source: Customer, target: Customer) -> None:
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
        kind="duplicate_dismissed",
        of=locked.likely_duplicate_of_id,
        reason=locked.duplicate_reason,
    )
    locked.likely_duplicate_of, locked.duplicate_reason = None, ""
    locked.updated_at = timezone.now()
    locked.save(update_fields=["likely_duplicate_of", "duplicate_reason", "updated_at"])
    return locked
