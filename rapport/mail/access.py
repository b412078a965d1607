"""Permission-checked reads of inbound email: "missing" and "not yours" are the same 404."""

from __future__ import annotations

from django.http import Http404

from rapport.cases.access import cases_for_agent
from rapport.mail.models import InboundEmail
from rapport.people.models import Agent


def inbound_for_agent(agent: Agent, inbound_id: int) -> InboundEmail:
    """Supervisors see every inbound email; an agent sees those of cases they can see."""
    row = InboundEmail.objects.filter(pk=inbound_id).first()
    if row is None:
        raise Http404("No such email")
    if agent.is_supervisor:
        return row
    if row.case_id is not None and cases_for_agent(agent).filter(pk=row.case_id).exists():
        return row
    raise Http404("No such email")
