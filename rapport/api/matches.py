"""/customers/matches: who the person you are about to type in may already be (the new-case
form's duplicate check)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from rapport.api.auth import agent_of
from rapport.api.customers import READ_ERRORS
from rapport.api.schemas.base import Input
from rapport.api.schemas.customers import CustomerRef
from rapport.cases.matches import customer_matches
from rapport.people.models import IdentityKind

router = Router(tags=["customers"])


class MatchQuery(Input):
    name: str = Field("", max_length=200)
    email: str = Field("", max_length=320)
    phone: str = Field("", max_length=40, description="Typed any way: +34 612-345-678.")
    handle: str = Field("", max_length=100, description="network:@handle")


class MatchOut(Schema):
    customer: CustomerRef
    why: list[str] = Field(description='What matched: "phone +34612345678", "the same name".')


class MatchesOut(Schema):
    found: list[MatchOut] = Field(description="Customers you may open a case for (at most 5).")
    taken: list[str] = Field(
        description="Typed addresses that belong to a customer you do not serve (never named): "
        "a case opened with one goes to a new customer, flagged as a likely duplicate."
    )


@router.get("", response={200: MatchesOut, **READ_ERRORS}, summary="Customers matching")
def customer_matches_view(request: HttpRequest, query: Query[MatchQuery]) -> MatchesOut:
    """Customers who may already be this person, by an address (normalised, so a number typed
    any way finds the stored one) or by the same name; a value not yet valid is passed over."""
    found = customer_matches(
        agent_of(request),
        name=query.name,
        typed=[
            (IdentityKind.EMAIL, query.email),
            (IdentityKind.PHONE, query.phone),
            (IdentityKind.SOCIAL, query.handle),
        ],
    )
    return MatchesOut(
        found=[
            MatchOut(
                customer=CustomerRef(
                    id=m.customer.pk, name=m.customer.name, preferred_name=m.customer.preferred_name
                ),
                why=m.why,
            )
            for m in found.found
        ],
        taken=found.taken,
    )
