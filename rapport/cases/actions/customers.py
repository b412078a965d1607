"""The desk's customers: the one an agent means by an address they typed, and two records of
one person merged with all their history (cases, messages and calls included, so it is here and
not in `people`)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from rapport.cases.access import may_open_case_for
from rapport.cases.actions.events import notify_agent
from rapport.cases.models import Call, Case, Message, NotificationKind
from rapport.cases.rules import (
    default_team,
)
from rapport.lib.errors import ActionError
from rapport.people.actions.customers import (
    create_likely_duplicate,
    find_or_create_customer,
    known_customers,
)
from rapport.people.actions.events import record_customer_event
from rapport.people.actions.identities import normalise_identity
from rapport.people.actions.merging import drop_twin_identities
from rapport.people.models import Agent, Customer, CustomerEventKind


@transaction.atomic
def customer_for_address(*, kind: str, value: str, name: str, by: Agent) -> Customer:
    """The customer an agent means by an address they typed: its holder when the agent may file
    a case on them (`may_open_case_for`), a new customer with it when nobody holds it; else a
    new customer without it, a likely duplicate, and the holder's owner and deputy are asked
    whether to merge the two. The holder is never shown to the agent."""
    normalised = normalise_identity(kind, value)
    holder = known_customers(kind=kind, values=[normalised]).get(normalised)
    if holder is None or may_open_case_for(by, holder):
        return find_or_create_customer(kind=kind, value=normalised, name=name, by=by)[0]
    customer = create_likely_duplicate(name=name, kind=kind, value=normalised, of=holder, by=by)
    team = default_team(by)
    opener = f"{by.display_name} ({team})" if team is not None else by.display_name
    text = (
        f"{opener} typed {normalised}, the address of your customer {holder.name} "
        f"(#{holder.pk}), for a new case, and it was filed under a new customer #{customer.pk}. "
        f"If it is the same person, a supervisor can merge #{customer.pk} into #{holder.pk}."
    )
    told = {agent_id for agent_id in (holder.owner_id, holder.deputy_id) if agent_id is not None}
    people = (
        Agent.objects.filter(pk__in=told)
        if told
        else Agent.objects.filter(is_supervisor=True, user__is_active=True)  # nobody's own
    )
    for agent in people.order_by("pk"):
        notify_agent(agent=agent, kind=NotificationKind.MERGE_SUGGESTION, text=text)
    return customer


@transaction.atomic
def merge_customers(*, source: Customer, target: Customer, by: Agent | None) -> Customer:
    """Move every case, message, call, identity, note and asset of `source` onto `target`."""
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
    drop_twin_identities(source=source, target=target)
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
        target,
        by=by,
        kind=CustomerEventKind.MERGED,
        source=source.pk,
        source_name=source.name,
        moved=moved,
    )
    record_customer_event(source, by=by, kind=CustomerEventKind.MERGED_INTO, target=target.pk)
    return target
