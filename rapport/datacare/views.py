"""Supervisors' data care pages: one customer's export, erasure and access log; the whole log."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from rapport.cases.access import customer_for_agent
from rapport.datacare import selectors
from rapport.datacare.actions.erasure import erase_customer, is_erased
from rapport.datacare.actions.export import export_customer
from rapport.datacare.models import Via
from rapport.lib.answers import post_action
from rapport.lib.errors import ActionError
from rapport.people.decorators import agent_required, supervisor_required
from rapport.people.models import Agent, Customer


def confirmation_phrase(customer: Customer) -> str:
    return f"erase {customer.pk}"


@require_GET
@agent_required
@supervisor_required
def customer_data(request: HttpRequest, agent: Agent, customer_id: int) -> HttpResponse:
    customer = customer_for_agent(agent, customer_id)
    rows, older = selectors.access_log(customer_id=customer.pk, before=request.GET.get("before"))
    return render(
        request,
        "datacare/customer.html",
        {
            "customer": customer,
            "erased": is_erased(customer),
            "phrase": confirmation_phrase(customer),
            "rows": rows,
            "older": older,
        },
    )


@require_GET
@agent_required
@supervisor_required
def customer_export(request: HttpRequest, agent: Agent, customer_id: int) -> HttpResponse:
    customer = customer_for_agent(agent, customer_id)
    data = export_customer(customer=customer, by=agent, via=Via.WEB)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="customer-{customer.pk}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@agent_required
@supervisor_required
def customer_erase(request: HttpRequest, agent: Agent, customer_id: int) -> HttpResponse:
    customer = customer_for_agent(agent, customer_id)

    def run(data: dict[str, Any]) -> str:
        typed = " ".join(request.POST.get("confirm", "").lower().replace("#", "").split())
        if typed != confirmation_phrase(customer):
            phrase = confirmation_phrase(customer)
            raise ActionError(f"Nothing was erased: type “{phrase}” to confirm.")
        erased = erase_customer(customer=customer, by=agent, via=Via.WEB)
        return (
            f"Customer #{customer.pk} was erased: {erased.messages} messages, {erased.calls} "
            f"calls, {erased.identities} identities, {erased.attachments} files and "
            f"{erased.inbound_emails} original mails; {erased.cases} cases kept as anonymous rows."
        )

    back = reverse("datacare:customer", kwargs={"customer_id": customer.pk})
    return post_action(request, run, back=back)


@require_GET
@agent_required
@supervisor_required
def access_log(request: HttpRequest, agent: Agent) -> HttpResponse:
    customer_id = request.GET.get("customer", "")
    rows, older = selectors.access_log(
        customer_id=int(customer_id) if customer_id.isdigit() else None,
        before=request.GET.get("before"),
    )
    return render(
        request,
        "datacare/access_log.html",
        {"rows": rows, "older": older, "customer_id": customer_id},
    )
