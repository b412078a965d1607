"""An agent starting a case from the desk: for a customer they pick or type in, with its first
entry — what the customer wrote, a message we send them, or a call either way.

The case is opened by `open_cases`, the one way a case begins (owner, triage, deadlines); the
first entry is then written by the actions that write it on any case: `reply` queues our message
through the channel's transport (shown as queued until it is really sent), `log_call` logs the
call. A new customer is made by `create_customer_for_case`. All in one transaction: a refusal at
any step (an address of someone else's, a customer nothing can reach) leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import models, transaction
from django.utils import timezone

from rapport.cases.access import check_may_file
from rapport.cases.actions import messages as case_messages
from rapport.cases.actions.customers import NewCustomer, create_customer_for_case
from rapport.cases.models import Call, CallDirection, Case, Initiative, Message, Priority, Status
from rapport.cases.rules import clean_body, preview
from rapport.lib.errors import ActionError
from rapport.people.models import Agent, Channel, Customer, Team
from rapport.routing.actions.opening import Opening, open_cases


class FirstEntry(models.TextChoices):
    """What a case started from the desk begins with."""

    INBOUND_MESSAGE = "inbound_message", "They wrote to us"
    OUTBOUND_MESSAGE = "outbound_message", "We write to them"
    INBOUND_CALL = "inbound_call", "They called"
    OUTBOUND_CALL = "outbound_call", "We called them"


CALLS = (FirstEntry.INBOUND_CALL, FirstEntry.OUTBOUND_CALL)
FROM_THE_DESK = (FirstEntry.OUTBOUND_MESSAGE, FirstEntry.OUTBOUND_CALL)


@dataclass(frozen=True)
class CallDetails:
    """How the first call went (its notes are the entry's text)."""

    outcome: str = "reached"
    phone: str = ""
    duration_seconds: int = 0
    started_at: datetime | None = None


@dataclass(frozen=True)
class Started:
    case: Case
    message: Message | None  # our message, queued (an outbound message only)
    call: Call | None  # the call (a call only)


@transaction.atomic
def start_case(
    *,
    by: Agent,
    customer: Customer | NewCustomer,
    first: str,
    text: str,
    subject: str = "",
    channel: str | None = None,
    call: CallDetails | None = None,
    html: str = "",
    priority: str = Priority.NORMAL,
    owner: Agent | None = None,
    team: Team | None = None,
    route: bool = False,
    tags: Iterable[str] = (),
    external_id: str = "",
    received_at: datetime | None = None,
) -> Started:
    """A case for `customer` (a new one is created) beginning with `first`:

    - "inbound_message": the customer's words (`text` or `html`) on `channel`, triaged;
    - "outbound_message": our message (`text`), queued on `channel` (or the one that reaches
      them) and signed by `by`; refused, with what to do instead, if nothing can carry it;
    - "inbound_call": the customer's words (`text`, triaged) and the call they made;
    - "outbound_call": the call we made, `text` its notes.

    `by` owns it unless `owner` names someone or `route` lets the desk choose (continuity
    first). A case the desk starts (ours to them) waits on nobody, so it has no response
    deadline."""
    if first not in FirstEntry.values:
        raise ActionError(f"{first!r} is not a way to start a case.", field="first_entry")
    is_call = first in CALLS
    if is_call and channel not in (None, "", Channel.PHONE):
        raise ActionError("A call is on the phone channel.", field="channel")
    if first == FirstEntry.INBOUND_MESSAGE and not channel:
        raise ActionError("Say which channel the customer wrote on.", field="channel")
    if channel == Channel.SYSTEM:
        raise ActionError("Customers do not write on the system channel.", field="channel")
    if call is not None and not is_call:
        raise ActionError("Call details go with a call.", field="call")
    if first in FROM_THE_DESK and received_at is not None:
        raise ActionError("What we send or call is logged as now.", field="received_at")
    details = call or CallDetails()
    if is_call and details.started_at is not None and details.started_at > timezone.now():
        raise ActionError("A call cannot be logged in the future.", field="started_at")
    body, _ = clean_body(text, html) if first != FirstEntry.OUTBOUND_CALL or text else ("", "")
    new = isinstance(customer, NewCustomer)
    person = (
        create_customer_for_case(new=customer, by=by)
        if isinstance(customer, NewCustomer)
        else customer
    )
    check_may_file(by, owner=owner, team=team, customer=person)
    desk = first in FROM_THE_DESK
    opened = open_cases(
        openings=[
            Opening(
                customer=person,
                subject=subject or preview(body)[:80] or f"Call with {person.name}",
                channel=Channel.PHONE if is_call else (channel or Channel.EMAIL),
                text=_desk_note(first, by, person) if desk else body,
                html="" if desk else html,
                by=by,
                priority=priority,
                owner=owner,
                team=team,
                tags=tuple(tags),
                external_id=external_id,
                received_at=details.started_at if is_call else received_at,
                route=route,
                first_contact=new or not Case.objects.filter(customer=person).exists(),
                initiative=Initiative.DESK if desk else Initiative.CUSTOMER,
                # Whoever starts the case is working it; a routed one waits for its owner.
                status=Status.NEW if route else Status.OPEN,
                audit={"first_entry": first},
            )
        ]
    )[0]
    case = opened.case
    if first == FirstEntry.OUTBOUND_MESSAGE:
        message = case_messages.reply(case=case, text=body, by=by, channel=channel or None)
        return Started(case, message, None)
    if is_call:
        logged = case_messages.log_call(
            case=case,
            by=by,
            direction=CallDirection.INBOUND
            if first == FirstEntry.INBOUND_CALL
            else CallDirection.OUTBOUND,
            outcome=details.outcome,
            notes=body if first == FirstEntry.OUTBOUND_CALL else "",
            phone=details.phone,
            duration_seconds=details.duration_seconds,
            started_at=details.started_at,
        )
        return Started(case, None, logged)
    return Started(case, None, None)


def _desk_note(first: str, by: Agent, customer: Customer) -> str:
    what = "write to" if first == FirstEntry.OUTBOUND_MESSAGE else "call"
    return f"{by.display_name} opened this case to {what} {customer.name}."
