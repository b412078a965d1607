"""Data care for supervisors: everything held on a customer, erasure, and the access log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from rapport.api.auth import agent_of, supervisor_required
from rapport.api.customers import READ_ERRORS, WRITE_ERRORS
from rapport.api.pagination import Keyset, keyset_page
from rapport.api.schemas.base import Id, Input, PageQuery
from rapport.cases.access import customer_for_agent
from rapport.datacare.actions.erasure import erase_customer
from rapport.datacare.actions.export import export_customer
from rapport.datacare.models import AccessLog, Via
from rapport.datacare.selectors import access_entries
from rapport.lib.errors import ActionError
from rapport.people.models import Agent, Customer

router = Router(tags=["data care"])
NEWEST_FIRST = Keyset("at", descending=True)


def _customer(request: HttpRequest, customer_id: int) -> tuple[Agent, Customer]:
    agent = agent_of(request)
    return agent, customer_for_agent(agent, customer_id)


@router.get(
    "/customers/{int:customer_id}/export",
    response={200: dict[str, Any], **READ_ERRORS},
    summary="Everything held on a customer",
)
@supervisor_required
def export(request: HttpRequest, customer_id: Id) -> HttpResponse:
    """The customer, identities, cases, messages, calls, notes, promises, make-goods, assets,
    rapport notes, attachments (with SHA-256), original mails and the audit about them, as one
    JSON document (`format` "rapport-customer-export/1"). Logged. Supervisors only."""
    agent, customer = _customer(request, customer_id)
    data = export_customer(customer=customer, by=agent, via=Via.API)
    response = HttpResponse(
        DjangoJSONEncoder(ensure_ascii=False).encode(data),
        content_type="application/json; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-store"
    return response


class EraseIn(Input):
    confirm: int = Field(description="The customer's id again, to confirm the erasure.")


class ErasedOut(Schema):
    customer_id: int
    erased: dict[str, int] = Field(description="Rows touched, by kind.")


@router.post(
    "/customers/{int:customer_id}/erase",
    response={200: ErasedOut, **WRITE_ERRORS},
    summary="Erase a customer's personal data",
)
@supervisor_required
def erase(request: HttpRequest, customer_id: Id, payload: EraseIn) -> ErasedOut:
    """Names, identities, message text, notes, calls, assets, original mails, attachment files
    and search entries are removed; cases stay as anonymous rows for the statistics. Cannot be
    undone. Supervisors only."""
    agent, customer = _customer(request, customer_id)
    if payload.confirm != customer.pk:
        raise ActionError("Send the customer's id as `confirm` to erase them.", field="confirm")
    erased = erase_customer(customer=customer, by=agent, via=Via.API)
    return ErasedOut(customer_id=customer.pk, erased=erased.as_dict())


class AccessOut(Schema):
    id: int
    at: datetime
    agent_id: int | None = Field(description="Null for an operator at the command line.")
    kind: str = Field(
        description="customer_page, customer_api, timeline_api, raw_mail, attachment or export."
    )
    via: str = Field(description="web, api or cli.")
    customer_id: int | None
    inbound_email_id: int | None

    @classmethod
    def of(cls, row: AccessLog) -> Self:
        return cls(
            id=row.pk,
            at=row.at,
            agent_id=row.agent_id,
            kind=row.kind,
            via=row.via,
            customer_id=row.customer_id,
            inbound_email_id=row.inbound_email_id,
        )


class AccessPage(Schema):
    items: list[AccessOut]
    next: str | None


class AccessQuery(PageQuery):
    customer_id: int | None = Field(None, description="Only reads of this customer's data.")


@router.get("/access-log", response={200: AccessPage, **READ_ERRORS}, summary="Access log")
@supervisor_required
def access_log(request: HttpRequest, filters: Query[AccessQuery]) -> AccessPage:
    """Who read which customer's data or original mail, newest first. Supervisors only."""
    page, next_cursor = keyset_page(
        access_entries(customer_id=filters.customer_id),
        keyset=NEWEST_FIRST,
        limit=filters.limit,
        cursor=filters.cursor,
    )
    return AccessPage(items=[AccessOut.of(row) for row in page], next=next_cursor)
