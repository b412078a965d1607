"""When no person can take a chat: the customer is told so in a visibly automatic line, and
offered a call back (care's callback promise, on the same case) or to continue by email (the
same case, its replies by mail once the address is proven theirs). docs/chat.md, "When nobody
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
from rapport.chat.email_link import send_email_link
from rapport.chat.models import Conversation, ConversationState, EntryKind
from rapport.lib.errors import ActionError
from rapport.lib.wallclock import known_zone
from rapport.people.actions.identities import add_claimed_identity, verify_identity
from rapport.people.models import Customer, IdentityKind, Verification, first_name

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
    """The customer would rather be answered by email: the address kept (unverified) and a link
    mailed to it (`rapport/chat/email_link.py`); once they open it, the agents' replies on this
    case go there. Audited, and the case's owner is told."""
    address = clean_email(email)
    if not address:
        raise ActionError("Give the email address to answer you at.", field="email")
    locked = _lock(conversation)
    case = locked.case
    customer = case.customer
    identity = add_claimed_identity(
        customer=customer, kind=IdentityKind.EMAIL, value=address, source=TYPED
    )
    locked.email, locked.by_email_at, locked.email_confirmed_at = address, now, None
    locked.save(update_fields=["email", "by_email_at", "email_confirmed_at"])
    record_case_event(
        case,
        by=None,
        kind=CaseEventKind.CHAT_BY_EMAIL,
        after={"email": address, "verified": identity.is_verified},
    )
    if case.owner is not None:
        notify_agent(
            agent=case.owner,
            case=case,
            kind=NotificationKind.CUSTOMER_WROTE,
            at=now,
            text=f"{customer.name} asked to continue their chat by email at {address}.",
        )
    if identity.is_verified:
        _confirmed(locked, address=address, now=now)
        return locked
    send_email_link(conversation=locked, address=address)
    _append(
        locked,
        kind=EntryKind.SYSTEM,
        text=(
            f"We are sending a link to {address}. Open it to confirm the address is yours; "
            "from then on a person answers you there, in this same conversation. Until then, "
            "we answer here."
        ),
    )
    return locked


@transaction.atomic
def confirm_email(*, conversation: Conversation, address: str, now: datetime) -> Conversation:
    """The visitor opened the link mailed to `address`: the address is theirs, so the chat's
    replies go there (the conversation ends; the case goes on by email)."""
    locked = _lock(conversation)
    if locked.email != address or locked.by_email_at is None:
        raise ActionError("This link is for an address this chat no longer uses.")
    if locked.email_confirmed_at is not None:
        return locked
    identity = add_claimed_identity(
        customer=locked.case.customer, kind=IdentityKind.EMAIL, value=address, source=TYPED
    )
    try:
        verify_identity(
            identity=identity,
            by=None,
            how=Verification.CUSTOMER,
            note="confirmed by a link mailed from the chat",
        )
    except ActionError:
        # Another customer's proven address: the visitor proved it is theirs too, so they are
        # that customer; an agent joins the two records (then the replies can go there).
        _known_elsewhere(locked, address=address, now=now)
        return locked
    _confirmed(locked, address=address, now=now)
    return locked


def _known_elsewhere(conversation: Conversation, *, address: str, now: datetime) -> None:
    conversation.email_confirmed_at = now
    conversation.save(update_fields=["email_confirmed_at"])
    case = conversation.case
    record_case_event(
        case,
        by=None,
        kind=CaseEventKind.CHAT_EMAIL_CONFIRMED,
        after={"email": address, "known_customer": True},
    )
    if case.owner is not None:
        notify_agent(
            agent=case.owner,
            case=case,
            kind=NotificationKind.MERGE_SUGGESTION,
            at=now,
            text=(
                f"The chat's visitor proved {address} is theirs, the address of a known "
                "customer: merge the two, then reply by email."
            ),
        )
    _append(
        conversation,
        kind=EntryKind.SYSTEM,
        text=(
            f"Thank you: {address} is confirmed. It is already on record with us, so a person "
            "will first add this conversation to your record, then answer you there."
        ),
    )


def _confirmed(conversation: Conversation, *, address: str, now: datetime) -> None:
    conversation.email_confirmed_at = now
    conversation.save(update_fields=["email_confirmed_at"])
    record_case_event(
        conversation.case,
        by=None,
        kind=CaseEventKind.CHAT_EMAIL_CONFIRMED,
        after={"email": address},
    )
    _append(
        conversation,
        kind=EntryKind.SYSTEM,
        text=(
            f"From now on a person answers you by email at {address}, in this same "
            "conversation. You can close this chat."
        ),
    )
    Conversation.objects.filter(pk=conversation.pk).update(state=ConversationState.ENDED)
    conversation.state = ConversationState.ENDED
