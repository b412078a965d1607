"""A returning visitor proves the email they gave before the chat joins that customer's history.

The visitor asks for a code (`send_code`): a six-digit code is mailed to the address, whoever
holds it, and the answer is the same whether or not a customer has it, so the widget cannot be
used to learn who is a customer. Only a keyed hash of the code is stored (HMAC with the desk's
secret key); it expires after `RAPPORT_CHAT_CODE_MINUTES`, a newer code replaces it, and
`RAPPORT_CHAT_CODE_ATTEMPTS` wrong tries lock it. The right code (`check_code`) marks the
conversation verified and joins it: when a customer holds the address *verified*, the chat's own
record is merged into them (the one merge, `merge_customers`), so the agent sees one timeline;
otherwise the address becomes the chat's customer's, verified. The visitor still sees only
their own conversation.

This is the chat's one proof of an address (`Conversation.verified_at`): a customer who asked
to continue by email (`offers.continue_by_email`) proves it with the same code, and once it is
right the chat's replies go there (`_by_email_now`).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac

from rapport.cases.actions.customers import merge_customers
from rapport.cases.actions.events import notify_agent, record_case_event
from rapport.cases.models import Case, CaseEventKind, NotificationKind
from rapport.chat.actions.conversations import _append, clean_email
from rapport.chat.models import (
    CODE_TRANSITIONS,
    CodeState,
    Conversation,
    ConversationState,
    EmailCode,
    EntryKind,
)
from rapport.lib.errors import ActionError
from rapport.people.actions.events import record_customer_event
from rapport.people.actions.identities import attach_identity
from rapport.people.actions.merging import follow_merges
from rapport.people.mailer import mail_address
from rapport.people.models import Customer, CustomerEventKind, Identity, IdentityKind, Verification

CODE_DIGITS = 6
PROOF = (Verification.CUSTOMER, "code mailed from the chat")


@dataclass(frozen=True)
class CodeSent:
    email: str
    expires_at: datetime


@dataclass(frozen=True)
class CodeChecked:
    """The answer to a typed code: verified, or why not (saying how many tries are left)."""

    verified: bool
    message: str


def _digest(conversation_id: int, code: str) -> str:
    return salted_hmac(
        "rapport.chat.code", f"{conversation_id}:{code}", algorithm="sha256"
    ).hexdigest()


def _locked(conversation: Conversation) -> Conversation:
    return (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("case__customer", "case__owner", "brand")
        .get(pk=conversation.pk)
    )


@transaction.atomic
def send_code(*, conversation: Conversation, email: str, now: datetime) -> CodeSent:
    """Mail a new code to `email` (given now, or at the start); earlier codes stop working."""
    address = clean_email(email)
    if not address:
        raise ActionError("Type your email address.", field="email")
    locked = _locked(conversation)
    if locked.verified_at is not None:
        raise ActionError(
            f"This chat is already verified as {locked.email}. To use another address, start "
            "a new chat.",
            field="email",
        )
    EmailCode.objects.filter(conversation=locked, state=CodeState.PENDING).update(
        state=CodeState.REPLACED, email=""
    )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    minutes = settings.RAPPORT_CHAT_CODE_MINUTES
    row = EmailCode.objects.create(
        conversation=locked,
        email=address,
        code_hash=_digest(locked.pk, code),
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    if locked.email != address:
        locked.email = address
        locked.save(update_fields=["email"])
    business = locked.brand.name if locked.brand else settings.SITE_NAME
    mail_address(
        to=address,
        subject=f"Your code for the chat with {business}: {code}",
        text=(
            f"Your code for the chat with {business}: {code}\n\n"
            f"Type it in the chat within {minutes} minutes. It shows that this address is yours, "
            "so the person you are chatting with can see your earlier conversations with us.\n\n"
            "If you did not ask for it, ignore this mail: nothing happens without the code.\n"
        ),
        now=now,
    )
    record_case_event(
        locked.case, kind=CaseEventKind.CHAT_CODE_SENT, by=None, after={"email": address}, at=now
    )
    return CodeSent(email=address, expires_at=row.expires_at)


@transaction.atomic
def check_code(*, conversation: Conversation, code: str, now: datetime) -> CodeChecked:
    """The code the visitor typed. A wrong one counts (and is kept counted: this returns rather
    than raises, so the transaction commits the try); the last allowed wrong try locks it."""
    locked = _locked(conversation)
    if locked.verified_at is not None:
        return CodeChecked(True, f"Your email {locked.email} is verified.")
    pending = (
        EmailCode.objects.select_for_update()
        .filter(conversation=locked, state=CodeState.PENDING)
        .order_by("-created_at")
        .first()
    )
    if pending is None or pending.expires_at <= now:
        return CodeChecked(False, "This code has expired or was replaced. Ask for a new code.")
    typed = "".join(code.split())
    if not hmac.compare_digest(pending.code_hash, _digest(locked.pk, typed)):
        return _wrong(locked, pending, now=now)
    address = pending.email
    _settle(pending, CodeState.VERIFIED)
    locked.verified_at, locked.email = now, address
    locked.save(update_fields=["verified_at", "email"])
    case = Case.objects.select_related("customer").get(pk=locked.case_id)
    joined, left = _join(case.customer, address, visitor_id=locked.visitor_id)
    record_case_event(
        case,
        kind=CaseEventKind.CHAT_VERIFIED,
        by=None,
        after={"email": address, "customer": joined.pk},
        reason=left,
        at=now,
    )
    if locked.by_email_at is not None:
        by_email_now(locked, address=address, known_elsewhere=bool(left), now=now)
    return CodeChecked(True, f"Thank you: your email {address} is verified.")


def by_email_now(
    conversation: Conversation, *, address: str, known_elsewhere: bool, now: datetime
) -> None:
    """The customer who asked to continue by email has proven the address (locked by the
    caller): the replies go there from now on (the conversation ends; the case goes on by
    email). An address a customer of their own holds: an agent first joins the two records."""
    case = conversation.case
    record_case_event(
        case,
        by=None,
        kind=CaseEventKind.CHAT_EMAIL_CONFIRMED,
        after={"email": address, "known_customer": known_elsewhere},
        at=now,
    )
    if known_elsewhere:
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
                f"Thank you: {address} is confirmed. It is already on record with us, so a "
                "person will first add this conversation to your record, then answer you there."
            ),
        )
        return
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


@transaction.atomic
def expire_codes(*, now: datetime, limit: int = 500) -> list[int]:
    """Codes past their time that nobody typed: expired, and the address forgotten (a code
    keeps it only while it can still be used). Compare-and-set: a code verified or replaced
    meanwhile is left as it is. Returns the ids expired (at most `limit`, oldest first)."""
    due = list(
        EmailCode.objects.filter(state=CodeState.PENDING, expires_at__lte=now)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )
    if due:
        EmailCode.objects.filter(pk__in=due, state=CodeState.PENDING).update(
            state=CodeState.EXPIRED, email=""
        )
    return due


def _wrong(conversation: Conversation, pending: EmailCode, *, now: datetime) -> CodeChecked:
    most = settings.RAPPORT_CHAT_CODE_ATTEMPTS
    pending.attempts += 1
    if pending.attempts < most:
        pending.save(update_fields=["attempts"])
        left = most - pending.attempts
        return CodeChecked(
            False, f"That code is not right. {left} {'try' if left == 1 else 'tries'} left."
        )
    _settle(pending, CodeState.LOCKED)
    record_case_event(
        conversation.case,
        kind=CaseEventKind.CHAT_CODE_LOCKED,
        by=None,
        after={"attempts": pending.attempts},
        at=now,
    )
    return CodeChecked(False, "That code is not right, and it no longer works. Ask for a new code.")


def _settle(code: EmailCode, state: CodeState) -> None:
    """Out of pending, once (`CODE_TRANSITIONS`); a settled code forgets the address."""
    if state not in CODE_TRANSITIONS.get(code.state, frozenset()):
        raise ActionError(f"A code that is {code.get_state_display().lower()} cannot change.")
    code.state, code.email = state, ""
    code.save(update_fields=["attempts", "state", "email"])


def _join(customer: Customer, address: str, *, visitor_id: str) -> tuple[Customer, str]:
    """The customer the proven address now joins the chat to, and why nothing was joined when
    an agent must decide. Only a customer who holds the address verified is joined: an
    unverified holder only claimed it (perhaps someone else's chat), so it proves nothing."""
    chat_customer = follow_merges(customer)
    holder = (
        Identity.objects.filter(kind=IdentityKind.EMAIL, value=address, verified_at__isnull=False)
        .exclude(customer=chat_customer)
        .select_related("customer")
        .first()
    )
    known = follow_merges(holder.customer) if holder is not None else None
    if known is not None and known.pk != chat_customer.pk:
        if _made_for_this_visitor(chat_customer, visitor_id):
            return merge_customers(source=chat_customer, target=known, by=None), ""
        return chat_customer, (
            f"customer #{known.pk} holds {address}, but this chat's customer has history of its "
            "own: merge them if they are one person"
        )
    primary = not chat_customer.identities.filter(kind=IdentityKind.EMAIL).exists()
    identity = attach_identity(
        chat_customer, kind=IdentityKind.EMAIL, value=address, primary=primary, proof=PROOF
    )
    record_customer_event(
        chat_customer,
        by=None,
        kind=CustomerEventKind.IDENTITY_VERIFIED,
        identity=f"{identity.kind}:{identity.value}",
        how=Verification.CUSTOMER,
    )
    return chat_customer, ""


def _made_for_this_visitor(customer: Customer, visitor_id: str) -> bool:
    """Whether every case of `customer` is a chat of this visitor's browser: the record the
    chat made, which may be merged away; one an agent merged into a real customer may not."""
    return (
        not Case.objects.filter(customer=customer)
        .exclude(conversations__visitor_id=visitor_id)
        .exists()
    )
