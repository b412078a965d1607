"""Customers: the list, one customer's page, and the side-panel actions about them."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from rapport.cases.access import (
    check_may_change_relationship,
    check_may_merge,
    customer_for_agent,
    customers_for_agent,
)
from rapport.cases.actions.customers import merge_customers
from rapport.cases.search import search_customers
from rapport.cases.search_matches import customer_matches
from rapport.datacare.actions.access import record_access
from rapport.datacare.models import AccessKind, Via
from rapport.lib.access import named
from rapport.lib.answers import Elsewhere, next_url, post_action
from rapport.lib.errors import ActionError
from rapport.people.access import agent_by_id, identity_of, rapport_note_of
from rapport.people.actions.identities import add_identity, verify_identity
from rapport.people.actions.merging import dismiss_duplicate
from rapport.people.actions.notes import (
    add_asset,
    add_rapport_note,
    delete_rapport_note,
    set_note_pinned,
)
from rapport.people.actions.relationship import set_relationship
from rapport.people.decorators import agent_required
from rapport.people.models import Agent, Customer, IdentityKind
from rapport.workspace.forms import (
    AssetForm,
    CustomerMergeForm,
    IdentityForm,
    RapportNoteForm,
    RelationshipForm,
)
from rapport.workspace.timeline import all_agents, parse_before, side_panel, timeline_rows


@require_GET
@agent_required
def customer_list(request: HttpRequest, agent: Agent) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    customers = search_customers(customers_for_agent(agent), query)
    after = request.GET.get("after", "")
    name, _, pk = after.rpartition("|")
    if pk.isdigit():
        customers = customers.filter(Q(name__gt=name) | Q(name=name, pk__gt=int(pk)))
    page_size: int = settings.RAPPORT_PAGE_SIZE
    rows = list(
        customers.select_related("owner", "organization")
        .prefetch_related("identities")
        .order_by("name", "pk")[: page_size + 1]
    )
    next_query = ""
    if len(rows) > page_size:
        rows = rows[:page_size]
        params = request.GET.copy()
        params["after"] = f"{rows[-1].name}|{rows[-1].pk}"
        next_query = params.urlencode()
    why = customer_matches(rows, query) if query else {}
    return render(
        request,
        "workspace/customers.html",
        {
            # Each customer with why they matched the search (nothing when not searching).
            "rows": [(customer, why.get(customer.pk, [])) for customer in rows],
            "q": query,
            "next_query": next_query,
            "paged": bool(after),
        },
    )


@require_GET
@agent_required
def customer_page(request: HttpRequest, agent: Agent, customer_id: int) -> HttpResponse:
    customer = customer_for_agent(agent, customer_id)
    record_access(agent=agent, kind=AccessKind.CUSTOMER_PAGE, via=Via.WEB, customer_id=customer.pk)
    agents = all_agents()
    rows, older = timeline_rows(
        customer, viewer=agent, focus=None, agents=agents, before=parse_before(request)
    )
    context = {
        "rows": rows,
        "older": older,
        "agents": list(agents.values()),
        "identity_kinds": IdentityKind.choices,
        **side_panel(customer, viewer=agent, case=None),
    }
    return render(request, "workspace/customer.html", context)


def _customer_url(customer: Customer) -> str:
    return reverse("customer", kwargs={"customer_id": customer.pk})


def _about_customer(
    request: HttpRequest,
    agent: Agent,
    customer_id: int,
    run: Callable[[Customer, dict[str, Any]], str | Elsewhere],
    form_class: type[forms.Form] | None = None,
) -> HttpResponse:
    """A form about a customer (on their page or a case's side panel), answered by
    `post_action` back on the page it was sent from."""
    customer = customer_for_agent(agent, customer_id)
    return post_action(
        request,
        partial(run, customer),
        form=form_class(request.POST) if form_class else None,
        back=next_url(request, _customer_url(customer)),
    )


@require_POST
@agent_required
def customer_relationship(request: HttpRequest, agent: Agent, customer_id: int) -> HttpResponse:
    def run(customer: Customer, data: dict[str, Any]) -> str:
        check_may_change_relationship(agent, customer)
        set_relationship(
            customer=customer,
            owner=named(agent_by_id, data["owner"], field="owner", what="agent"),
            deputy=named(agent_by_id, data["deputy"], field="deputy", what="agent"),
            by=agent,
        )
        return "Relationship saved."

    return _about_customer(request, agent, customer_id, run, RelationshipForm)


@require_POST
@agent_required
def customer_identity_add(request: HttpRequest, agent: Agent, customer_id: int) -> HttpResponse:
    def run(customer: Customer, data: dict[str, Any]) -> str:
        identity = add_identity(customer=customer, kind=data["kind"], value=data["value"], by=agent)
        return f"Added {identity.value}."

    return _about_customer(request, agent, customer_id, run, IdentityForm)


@require_POST
@agent_required
def customer_identity_verify(
    request: HttpRequest, agent: Agent, customer_id: int, identity_id: int
) -> HttpResponse:
    def run(customer: Customer, data: dict[str, Any]) -> str:
        identity = identity_of(customer, identity_id)
        verify_identity(identity=identity, by=agent)
        return f"{identity.value} is verified: replies and mail may use it."

    return _about_customer(request, agent, customer_id, run)


@require_POST
@agent_required
def customer_duplicate_dismiss(
    request: HttpRequest, agent: Agent, customer_id: int
) -> HttpResponse:
    def run(customer: Customer, data: dict[str, Any]) -> str:
        dismiss_duplicate(customer=customer, by=agent)
        return f"{customer.name} is kept as a customer of their own."

    return _about_customer(request, agent, customer_id, run)


@require_POST
@agent_required
def customer_merge(request: HttpRequest, agent: Agent, customer_id: int) -> HttpResponse:
    def run(customer: Customer, data: dict[str, Any]) -> Elsewhere:
        try:
            target = customer_for_agent(agent, data["target"])
        except Http404 as exc:
            raise ActionError(f"There is no customer #{data['target']} you serve.") from exc
        check_may_merge(agent, source=customer, target=target)
        target = merge_customers(source=customer, target=target, by=agent)
        # From a case's page (a chat visitor merged), back to that case: it moved with them.
        return Elsewhere(
            f"{customer.name} was merged into {target.name}.",
            next_url(request, _customer_url(target)),
        )

    return _about_customer(request, agent, customer_id, run, CustomerMergeForm)


@require_POST
@agent_required
def customer_note_add(request: HttpRequest, agent: Agent, customer_id: int) -> HttpResponse:
    def run(customer: Customer, data: dict[str, Any]) -> str:
        add_rapport_note(customer=customer, text=data["text"], by=agent)
        return "Rapport note pinned."

    return _about_customer(request, agent, customer_id, run, RapportNoteForm)


@require_POST
@agent_required
def customer_note_pin(
    request: HttpRequest, agent: Agent, customer_id: int, note_id: int
) -> HttpResponse:
    def run(customer: Customer, data: dict[str, Any]) -> str:
        pinned = request.POST.get("pinned") == "1"
        set_note_pinned(note=rapport_note_of(customer, note_id), pinned=pinned, by=agent)
        return "Note pinned." if pinned else "Note unpinned."

    return _about_customer(request, agent, customer_id, run)


@require_POST
@agent_required
def customer_note_delete(
    request: HttpRequest, agent: Agent, customer_id: int, note_id: int
) -> HttpResponse:
    def run(customer: Customer, data: dict[str, Any]) -> str:
        delete_rapport_note(note=rapport_note_of(customer, note_id), by=agent)
        return "Note deleted."

    return _about_customer(request, agent, customer_id, run)


@require_POST
@agent_required
def customer_asset_add(request: HttpRequest, agent: Agent, customer_id: int) -> HttpResponse:
    def run(customer: Customer, data: dict[str, Any]) -> str:
        asset = add_asset(
            customer=customer,
            name=data["name"],
            kind=data["kind"],
            reference=data["reference"],
            attributes=data["attributes"],
            by=agent,
        )
        return f"Added {asset.name}."

    return _about_customer(request, agent, customer_id, run, AssetForm)
