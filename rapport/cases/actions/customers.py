"""The desk's customers: the one an agent means by an address they typed, and two records of
one person merged with all their history (cases, messages and calls included, so it is here and
not in `people`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from rapport.cases.access import may_open_case_for
from rapport.cases.actions.events import notify_agent
from rapport.cases.hooks import CustomersMerged, on_customers_merged
from rapport.cases.models import Call, Case, Message, NotificationKind
from rapport.cases.rules import (
    default_team,
)
from rapport.lib.errors import ActionError
from rapport.people.actions.customers import (
    create_customer,
    create_likely_duplicate,
    find_or_create_customer,
    known_customers,
    note_likely_duplicate,
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
    normalised = normalise_identity(kind, value, by=by)
    holder = known_customers(kind=kind, values=[normalised]).get(normalised)
    if holder is None or may_open_case_for(by, holder):
        return find_or_create_customer(kind=kind, value=normalised, name=name, by=by)[0]
    customer = create_likely_duplicate(name=name, kind=kind, value=normalised, of=holder, by=by)
    _ask_to_merge(holder=holder, customer=customer, value=normalised, by=by)
    return customer


def _ask_to_merge(*, holder: Customer, customer: Customer, value: str, by: Agent) -> None:
    """The holder's owner and deputy (else the supervisors) hear that an agent typed their
    customer's address for a new customer, to merge the two if they are one person."""
    team = default_team(by)
    opener = f"{by.display_name} ({team})" if team is not None else by.display_name
    text = (
        f"{opener} typed {value}, the address of your customer {holder.name} "
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


@dataclass(frozen=True)
class NewCustomer:
    """A person an agent types in to open a case for: a name, their addresses as
    (kind, value, form field) and an organisation."""

    name: str
    identities: Sequence[tuple[str, str, str]] = ()
    organization: str = ""


@transaction.atomic
def create_customer_for_case(*, new: NewCustomer, by: Agent) -> Customer:
    """A new customer an agent types in to open a case for, with every address they typed.

    An address that belongs to a customer the agent may file a case on is refused, naming them:
    the agent picks that customer instead of making a second record. An address of a customer
    the agent does not serve is left off the new record, which is flagged as a likely duplicate
    of its holder, whose owner and deputy are asked whether to merge (as `customer_for_address`
    does); the holder is never named to the agent."""
    typed: list[tuple[str, str, str]] = []
    for kind, value, field in new.identities:
        try:
            typed.append((kind, normalise_identity(kind, value, by=by), field))
        except ActionError as exc:
            raise ActionError(exc.message, field=field) from exc
    hidden: list[tuple[Customer, str, str]] = []
    for kind, value, field in typed:
        holder = known_customers(kind=kind, values=[value]).get(value)
        if holder is None:
            continue
        if may_open_case_for(by, holder):
            raise ActionError(
                f"{value} is {holder.name}'s (customer #{holder.pk}): open the case for "
                f"{holder.name} instead of creating a second record.",
                field=field,
            )
        hidden.append((holder, kind, value))
    held = {(kind, value) for _, kind, value in hidden}
    customer = create_customer(
        name=new.name,
        by=by,
        identities=[(kind, value) for kind, value, _ in typed if (kind, value) not in held],
        organization=new.organization,
    )
    if hidden:
        holder, kind, value = hidden[0]
        note_likely_duplicate(customer, kind=kind, value=value, of=holder, by=by)
        _ask_to_merge(holder=holder, customer=customer, value=value, by=by)
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
    on_customers_merged.send(CustomersMerged(source=source, target=target))
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
