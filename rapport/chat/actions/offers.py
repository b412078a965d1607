"""When no person can take a chat: the customer is told so in a visibly automatic line, and
offered a call back (care's callback promise, on the same case) or to continue by email (the
same case, its replies by mail once the address is proven theirs by the chat's code).
docs/chat.md, "When nobody
can answer"."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from rapport.care.actions.callbacks import book_callback
from rapport.care.models import Promise, PromiseKind, PromiseStatus
from rapport.care.windows import describe_window
from rapport.cases.actions.events import notify_agent, record_case_event
from rapport.cases.models import CaseEventKind, NotificationKind
from rapport.chat.actions.conversations import _append, _lock, clean_email
from rapport.chat.actions.verification import by_email_now, send_code
from rapport.chat.models import Conversation, EntryKind
from rapport.lib.errors import ActionError
from rapport.lib.wallclock import known_zone
from rapport.people.actions.identities import add_claimed_identity
from rapport.people.models import Customer, IdentityKind, first_name

# Where an address or number the visitor typed came from (kept unverified).
TYPED = "typed in the chat"


def _set_zone(customer: Customer, timezone_name: str) -> None:
    if timezone_name and known_zone(timezone_name) and customer.timezone != timezone_name:
        customer.timezone = timezone_name
        customer.save(update_fields=["timezone"])


@transaction.atomic
def callback_from_chat(
    *, conversation: Conversation, phone: str, timezone_name: str = "", now: datetime
) -> Promise:
    """The customer asks to be called back: their number kept (unverified, as the contact page
    keeps it) and a callback promise booked on the chat's case with the next honest window,
    told to them in the chat."""
    if not phone.strip():
        raise ActionError("Give the number we should call.", field="phone")
    locked = _lock(conversation)
    case = locked.case
    customer = case.customer
    booked = Promise.objects.filter(
        case=case, kind=PromiseKind.CALLBACK, status=PromiseStatus.OPEN
    ).first()
    if booked is not None:
        raise ActionError(
            "A call back is already booked: "
            + describe_window(
                booked.due_at, booked.window_end or booked.due_at, timezone=customer.timezone
            )
            + ".",
            field="phone",
        )
    number = add_claimed_identity(
        customer=customer, kind=IdentityKind.PHONE, value=phone, source=TYPED
    ).value
    _set_zone(customer, timezone_name)
    promise = book_callback(case=case, by=None, now=now)
    window = describe_window(
        promise.due_at, promise.window_end or promise.due_at, timezone=customer.timezone
    )
    owner = promise.owner
    who = first_name(owner.display_name) if owner is not None else "A person"
    _append(
        locked,
        kind=EntryKind.SYSTEM,
        text=f"Call back booked: {who} will call you on {number} {window}.",
    )
    return promise


@transaction.atomic
def continue_by_email(*, conversation: Conversation, email: str, now: datetime) -> Conversation:
    """The customer would rather be answered by email: the address kept (unverified) and a code
    mailed to it (`verification.send_code`, the chat's one proof of an address); once they type
    it in the chat, the agents' replies on this case go there (`verification.by_email_now`).
    An address this chat has proven already needs no new code. Audited; the case's owner told."""
    address = clean_email(email)
    if not address:
        raise ActionError("Give the email address to answer you at.", field="email")
    locked = _lock(conversation)
    if locked.verified_at is not None and locked.email != address:
        raise ActionError(
            f"This chat has proven {locked.email} is yours: we can answer you there. To use "
            "another address, start a new chat.",
            field="email",
        )
    case = locked.case
    customer = case.customer
    add_claimed_identity(customer=customer, kind=IdentityKind.EMAIL, value=address, source=TYPED)
    locked.by_email_at = now
    locked.save(update_fields=["by_email_at"])
    record_case_event(
        case,
        by=None,
        kind=CaseEventKind.CHAT_BY_EMAIL,
        after={"email": address, "verified": locked.verified_at is not None},
    )
    if case.owner is not None:
        notify_agent(
            agent=case.owner,
            case=case,
            kind=NotificationKind.CUSTOMER_WROTE,
            at=now,
            text=f"{customer.name} asked to continue their chat by email at {address}.",
        )
    if locked.verified_at is not None:
        by_email_now(locked, address=address, known_elsewhere=False, now=now)
        return locked
    send_code(conversation=locked, email=address, now=now)
    locked.email = address
    _append(
        locked,
        kind=EntryKind.SYSTEM,
        text=(
            f"We sent a code to {address}. Type it below to show the address is yours; from "
            "then on a person answers you there, in this same conversation. Until then, we "
            "answer here."
        ),
    )
    return locked
