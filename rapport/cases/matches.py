"""Customers who may already be the person an agent is typing in for a new case: found by their
addresses (each normalised, so a phone number typed any way finds its E.164 form) and by name,
shown before anything is saved so the agent picks the customer instead of making a second one.

A customer the agent may not file a case on is never named: the agent only learns that the
address is taken, and what will happen (`create_customer_for_case`)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field

from django.db.models import Q

from rapport.cases.access import customers_for_agent, may_open_case_for
from rapport.lib.errors import ActionError
from rapport.people.actions.identities import normalise_identity
from rapport.people.actions.merging import follow_merges
from rapport.people.models import Agent, Customer, Identity

MOST = 5  # matches shown: enough to pick from, few enough to read at a glance


@dataclass
class Match:
    customer: Customer
    why: list[str] = field(default_factory=list)  # "phone +34612345678", "the same name"


@dataclass
class Matches:
    found: list[Match]
    taken: list[str]  # typed addresses held by customers the agent does not serve

    def __bool__(self) -> bool:
        return bool(self.found or self.taken)


def _forms(agent: Agent, kind: str, raw: str) -> set[str]:
    """What a typed value is, normalised as saving it would (a number without its country code
    read where the agent works: "612 345 678" in Madrid); nothing while it is half typed."""
    with suppress(ActionError):
        return {normalise_identity(kind, raw, by=agent)}
    return set()


def customer_matches(
    agent: Agent, *, name: str = "", typed: Sequence[tuple[str, str]] = ()
) -> Matches:
    """Customers matching what was typed: `typed` as (identity kind, raw value); a value that
    is not (yet) a valid address of its kind is passed over. Reads a fixed number of queries."""
    wanted: set[tuple[str, str]] = set()
    for kind, raw in typed:
        if raw.strip():
            wanted.update((kind, value) for value in _forms(agent, kind, raw))
    reasons: dict[int, list[str]] = {}
    if wanted:
        by_address = Q()
        for kind, value in wanted:
            by_address |= Q(kind=kind, value=value)
        for identity in (
            Identity.objects.filter(by_address).select_related("customer").order_by("pk")[:50]
        ):
            holder = follow_merges(identity.customer)
            reasons.setdefault(holder.pk, []).append(f"{identity.kind} {identity.value}")
    if len(name.strip()) >= 3:
        same_name = customers_for_agent(agent).filter(name__iexact=name.strip())
        for pk in same_name.order_by("pk").values_list("pk", flat=True)[:MOST]:
            reasons.setdefault(pk, []).append("the same name")
    if not reasons:
        return Matches(found=[], taken=[])
    served = {
        c.pk: c
        for c in customers_for_agent(agent)
        .filter(pk__in=list(reasons))
        .select_related("organization")
    }
    found = [Match(served[pk], why) for pk, why in reasons.items() if pk in served]
    taken: list[str] = []
    others = Customer.objects.filter(pk__in=[pk for pk in reasons if pk not in served])
    for other in others.order_by("pk")[:MOST]:
        if may_open_case_for(agent, other):  # nobody serves them yet: theirs to pick
            found.append(Match(other, reasons[other.pk]))
        else:
            taken.extend(why for why in reasons[other.pk] if why != "the same name")
    return Matches(found=found[:MOST], taken=taken)
