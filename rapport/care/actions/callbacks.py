"""Callbacks: a call booked in an honest window with a named person."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from rapport.care.actions.promises import create_promise, require_aware
from rapport.care.models import Promise, PromiseKind
from rapport.care.selectors import quote_callback
from rapport.cases.actions.events import notify_agent, record_case_event
from rapport.cases.models import Case, CaseEventKind, NotificationKind
from rapport.lib.errors import ActionError
from rapport.people.models import Agent

# Working hours are worked out HORIZON_DAYS ahead (rapport/lib/hours.py): a call is booked within.
BOOK_AHEAD = timedelta(days=365)


@transaction.atomic
def book_callback(
    *,
    case: Case,
    by: Agent | None,
    window_start: datetime | None = None,
    purpose: str = "",
    script: str = "",
    now: datetime | None = None,
) -> Promise:
    """A call back to the customer in an honest window with a named person (continuity first).

    `window_start` is the customer's choice; without it they take the next free window. `by`
    is None when the customer asked themselves (the contact page, chat): the portal calls this
    same function.
    """
    at = now or timezone.now()
    if window_start is not None:
        require_aware(window_start, "window_start")
        if window_start < at - timedelta(minutes=1):
            raise ActionError("Choose a time that has not passed.", field="window_start")
        if window_start > at + BOOK_AHEAD:
            raise ActionError("Choose a time within the next year.", field="window_start")
    quote = quote_callback(case, now=at, at=window_start)
    if window_start is not None and quote.start > window_start + timedelta(minutes=5):
        raise ActionError(
            f"Nobody can call then; the next free time is {quote.describe()}.",
            field="window_start",
        )
    owner = Agent.objects.get(pk=quote.agent_id)
    promise = create_promise(
        kind=PromiseKind.CALLBACK,
        case=case,
        owner=owner,
        due_at=quote.start,
        window_end=quote.end,
        purpose=purpose or f"Call {case.customer.greeting_name} back about “{case.subject}”",
        script=script,
        remind_at=quote.start,
        by=by,
        now=at,
    )
    record_case_event(
        case,
        by=by,
        kind=CaseEventKind.CALLBACK_BOOKED,
        after={
            "promise": promise.pk,
            "owner": owner.pk,
            "window": [quote.start.isoformat(), quote.end.isoformat()],
            "queue_ahead": quote.queue_ahead,
        },
        reason=quote.reason,
    )
    if by is None or by.pk != owner.pk:
        notify_agent(
            agent=owner,
            case=case,
            kind=NotificationKind.CALLBACK_BOOKED,
            at=at,
            text=f"Call {case.customer.name} back {quote.describe()}: {promise.purpose}.",
        )
    return promise


# ---------------------------------------------------------------------------- outcomes
