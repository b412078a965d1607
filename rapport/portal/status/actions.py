"""What a customer does from their case's status link: answer, ask for a call, say it is
solved, open it again, and ask for a fresh link when theirs stopped working.

The holder of a working link speaks for the case's customer (the link went to their verified
address), so each action is the same one the desk uses for a customer (`receive_message`,
`book_callback`, `change_status` with no agent), audited as the customer's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rapport.care.actions.callbacks import book_callback
from rapport.care.models import Promise, PromiseKind, PromiseStatus
from rapport.cases.actions.events import record_case_event
from rapport.cases.actions.status import change_status
from rapport.cases.attachments import Upload, attach, check_uploads
from rapport.cases.models import Case, CaseEventKind, Message, Status
from rapport.cases.status_links import generation
from rapport.lib.errors import ActionError
from rapport.lib.identities import InvalidIdentity, normalise_email
from rapport.mail.actions.acknowledgments import automatic_mail_sent
from rapport.mail.actions.outbox import queue_outbound_message
from rapport.people.models import Channel, Identity, IdentityKind
from rapport.routing.actions.opening import receive_message

CLOSED = "This case is closed. Write to us again and a person will open a new one for you."


@transaction.atomic
def reply_by_link(*, case: Case, text: str, uploads: Sequence[Upload] = ()) -> Message:
    """The customer's answer on their case, with their files (checked against the same limits
    as an agent's, before anything is written); a resolved case opens again."""
    if not text.strip():
        raise ActionError("Write your message first.", field="text")
    check_uploads(uploads, field="files")
    if case.status == Status.CLOSED:
        raise ActionError(CLOSED, field="text")
    message = receive_message(case=case, text=text, channel=Channel.WEB)
    attach(message, uploads)
    return message


@dataclass(frozen=True)
class CallAsked:
    promise: Promise
    booked: bool  # False: a call was already promised, and that one stands


@transaction.atomic
def ask_for_call(*, case: Case, now: datetime | None = None) -> CallAsked:
    """A callback in the next honest window with a named person (the desk's one callback
    action), unless a call is already promised on the case: then that one stands."""
    if case.status == Status.CLOSED:
        raise ActionError(CLOSED)
    waiting = (
        Promise.objects.select_related("owner")
        .filter(case=case, kind=PromiseKind.CALLBACK, status=PromiseStatus.OPEN)
        .order_by("due_at")
        .first()
    )
    if waiting is not None:
        return CallAsked(waiting, booked=False)
    return CallAsked(book_callback(case=case, by=None, now=now), booked=True)


@transaction.atomic
def mark_solved(*, case: Case, expected: str) -> Case:
    """The customer says their need is met: the case is resolved (and care's follow-up policy
    answers as for any resolution)."""
    if case.status == Status.RESOLVED:
        return case
    if case.status == Status.CLOSED:
        raise ActionError(CLOSED)
    return change_status(
        case=case,
        to=Status.RESOLVED,
        by=None,
        expected=expected,
        reason="The customer said it is solved (status link).",
    )


@transaction.atomic
def reopen(*, case: Case, expected: str) -> Case:
    """The customer says it is not solved after all: the case is open again."""
    if case.status == Status.CLOSED:
        raise ActionError(CLOSED)
    if case.status != Status.RESOLVED:
        return case
    return change_status(
        case=case,
        to=Status.OPEN,
        by=None,
        expected=expected,
        reason="The customer opened it again (status link).",
    )


@transaction.atomic
def send_fresh_link(*, case_id: int | None, email: str, now: datetime | None = None) -> bool:
    """A fresh link to the case, mailed to the case's customer only when `email` is one of their
    verified addresses (the outbox sends to a verified address, with the link under the text).
    The caller answers the same either way; True only says whether a mail was queued. At most
    RAPPORT_EMAIL_AUTOMATIC_PER_DAY automatic mails go to a customer in a day."""
    at = now or timezone.now()
    try:
        address = normalise_email(email)
    except InvalidIdentity:
        return False
    case = Case.objects.select_related("customer").filter(pk=case_id).first() if case_id else None
    if case is not None and case.merged_into_id is not None:
        # Merged: the fresh link is to the case it became part of (whose customer must match).
        case = Case.objects.select_related("customer").filter(pk=case.merged_into_id).first()
    if case is None:
        return False
    matches = Identity.objects.filter(
        customer_id=case.customer_id,
        kind=IdentityKind.EMAIL,
        value=address,
        verified_at__isnull=False,
    ).exists()
    if not matches:
        return False
    sent = automatic_mail_sent(customer_ids={case.customer_id}, now=at)
    if sent.get(case.customer_id, 0) >= settings.RAPPORT_EMAIL_AUTOMATIC_PER_DAY:
        return False
    message = queue_outbound_message(
        case=case,
        text=(
            f"Hello {case.customer.greeting_name},\n\nYou asked for a new link to your case "
            f"{case.reference} ({case.subject}). Here it is, below. The old one no longer works."
        ),
        by=None,
        now=at,
    )
    record_case_event(
        case,
        kind=CaseEventKind.STATUS_LINK_SENT,
        by=None,
        after={"message": message.pk, "generation": generation(case.pk)},
        reason="The customer asked for a fresh status link by email.",
        at=at,
    )
    return True
