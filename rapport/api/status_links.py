"""/cases/{id}/status-link: the customer's link to their case, and revoking every link sent."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from rapport.api.auth import agent_of
from rapport.api.customers import READ_ERRORS, WRITE_ERRORS
from rapport.api.schemas.base import Id
from rapport.cases.access import case_for_agent
from rapport.cases.actions.status_links import revoke_status_links
from rapport.cases.status_links import status_link

router = Router(tags=["cases"])


class StatusLinkOut(Schema):
    url: str
    expires_at: datetime


class StatusLinkRevokedOut(Schema):
    revoked_at: datetime


@router.get(
    "/cases/{int:case_id}/status-link",
    response={200: StatusLinkOut, **READ_ERRORS},
    summary="The customer's status link",
)
def get_status_link(request: HttpRequest, case_id: Id) -> StatusLinkOut:
    """A working link to the case's status page for its customer, newly signed (nothing is
    stored): it works until `expires_at` or until the case's links are revoked."""
    link = status_link(case_for_agent(agent_of(request), case_id))
    return StatusLinkOut(url=link.url, expires_at=link.expires_at)


@router.post(
    "/cases/{int:case_id}/status-link/revoke",
    response={200: StatusLinkRevokedOut, **WRITE_ERRORS},
    summary="Revoke the case's status links",
)
def revoke_status_link(request: HttpRequest, case_id: Id) -> StatusLinkRevokedOut:
    """Every status link of the case sent so far stops working (audited as
    `status_link_revoked`); the next message to the customer carries a new one, and so does
    `GET .../status-link`."""
    agent = agent_of(request)
    now = timezone.now()
    revoke_status_links(case=case_for_agent(agent, case_id), by=agent, now=now)
    return StatusLinkRevokedOut(revoked_at=now)
