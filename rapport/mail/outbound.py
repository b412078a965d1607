"""Outgoing email: an outbound `Message` sent once over SMTP, threaded into the conversation.

Every message to a customer is queued by `rapport.mail.actions.outbox.queue_outbound_message`
and sent by one task, `rapport.mail.tasks.deliver_message`, which calls `deliver`. It
- records a message on a channel nothing carries as "not sent" (never "Sent"), and hands one
  on a channel whose transport sends through the outbox (a Mastodon reply) to its `send`, with
  the same claim, retries and settling as an email;
- gives the message a Message-ID once, stored in `Message.external_id` ("<id@host>") before
  anything is sent, so a retry sends the same id and the customer's answer finds the case;
- threads it: In-Reply-To is the customer's last mail on the case, References the case's chain,
  Reply-To is support+<case>@<our domain> (intake's plus-address rule), the subject carries
  "[#<case>]";
- signs it "<Agent name>" <DEFAULT_FROM_EMAIL> with `Auto-Submitted: no`, or `auto-replied` for
  a message no person wrote (an acknowledgment);
- ends the text with the customer's status link to the case (`rapport/cases/status_links.py`,
  signed when the mail is built: a retry carries a link as fresh as the attempt);
- sends the files stored with the message, an appointment's invitation (text/calendar;
  method=REQUEST) among them, so a retry sends the same bytes;
- never sends to an address that bounced, and never sends a message that is not `queued`: it
  claims the message (queued -> sending, compare-and-set) first, so of two workers running the
  same delivery only one sends;
- sorts failures: a 5xx answer fails the message at once with the server's reason; a 4xx or no
  connection is retried with backoff, up to RAPPORT_EMAIL_MAX_ATTEMPTS, then fails.

`sweep_outbox` (the scheduler's "outbox" sweep) re-queues what a killed worker lost. The writes
(claim, retry, settle) are the outbox's actions, each a compare-and-set on the status.
"""

from __future__ import annotations

import email.utils
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.mime.text import MIMEText
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from rapport.cases.models import Attachment, Case, DeliveryStatus, Direction, Message
from rapport.cases.status_links import status_link
from rapport.cases.transports import Send, Undelivered, primary_phone, transport_for
from rapport.lib.identities import InvalidIdentity, normalise_email
from rapport.lib.smtp import PermanentFailure, TemporaryFailure, backoff, transmit
from rapport.mail.actions.outbox import claim_delivery, mark_delivery, note_retry
from rapport.mail.intake import SYNTHETIC_DOMAIN
from rapport.mail.models import InboundEmail, InboundStatus
from rapport.mail.tasks import deliver_message
from rapport.people.models import Channel, Identity, IdentityKind

logger = logging.getLogger("rapport.mail.outbound")

MAX_REFERENCES = 20
_TOKEN = re.compile(r"\s*\[\s*(?:[A-Za-z][\w-]{0,20}\s*)?#\s*\d{1,12}\s*\]")
_REPLY_PREFIX = re.compile(r"^\s*re\s*(?:\[\d+\])?\s*:", re.IGNORECASE)
# A queued message this late past its due time lost its job; one sending this long lost its worker.
OUTBOX_GRACE = timedelta(minutes=10)
OUTBOX_BATCH = 500


@dataclass(frozen=True)
class Delivery:
    """What one attempt did: sent, failed (for good), retry (at `retry_at`) or skipped."""

    outcome: str
    detail: str = ""
    retry_at: datetime | None = None


# -- Addresses -----------------------------------------------------------------------------------


def own_address() -> tuple[str, str]:
    """(local part, domain) of DEFAULT_FROM_EMAIL, any "+tag" dropped."""
    address = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "support@rapport.localhost"
    local, _, domain = address.rpartition("@")
    return local.split("+", 1)[0] or "support", domain or "rapport.localhost"


def reply_to_address(case_id: int) -> str:
    """support+<case>@domain: intake threads mail sent to it into the case (for its customer)."""
    local, domain = own_address()
    return f"{local}+{case_id}@{domain}"


def new_message_id(message_pk: int) -> str:
    """Short enough never to be folded onto a second header line (make_msgid's can be)."""
    return f"<rapport.{message_pk}.{secrets.token_hex(8)}@{own_address()[1]}>"


def subject_of(message: Message) -> str:
    """The message's own subject with the case token, else the case's thread subject."""
    if message.subject:
        return f"{message.subject} [#{message.case_id}]"
    return case_subject(message.case)


def case_subject(case: Case) -> str:
    """ "Re: <subject> [#<case>]", with no second "Re:" and no second token."""
    base = _TOKEN.sub("", case.subject).strip() or f"Case {case.pk}"
    if not _REPLY_PREFIX.match(base):
        base = f"Re: {base}"
    return f"{base} [#{case.pk}]"


# -- The Message-ID (stored once, before the first attempt) --------------------------------------


@transaction.atomic
def assign_message_id(*, message: Message) -> str:
    """The message's Message-ID, created and stored once, before the first attempt to send."""
    current = Message.objects.filter(pk=message.pk).values_list("external_id", flat=True).get()
    if current:
        return current
    generated = new_message_id(message.pk)
    Message.objects.filter(pk=message.pk, external_id__isnull=True).update(external_id=generated)
    stored = Message.objects.filter(pk=message.pk).values_list("external_id", flat=True).get()
    message.external_id = stored
    return stored or generated


# -- Delivery ------------------------------------------------------------------------------------


def deliver(*, message_id: int, attempt: int = 1) -> Delivery:
    """One attempt to send a queued outbound message: claimed, sent, then settled or retried."""
    message = (
        Message.objects.select_related("case", "author", "customer")
        .filter(pk=message_id, delivery_status=DeliveryStatus.QUEUED)
        .first()
    )
    if message is None:  # sent or failed already, or deleted: never send twice
        return Delivery("skipped")
    if message.direction != Direction.OUTBOUND:
        return Delivery("skipped", "not an outbound message")
    if message.channel != Channel.EMAIL or transport_for(message.channel) is None:
        return _deliver_not_email(message, attempt=attempt)
    recipient, refusal = choose_recipient(message)
    if recipient is None:
        mark_delivery(message=message, status=DeliveryStatus.FAILED, error=refusal)
        return Delivery("failed", refusal)
    message_id_header = assign_message_id(message=message)
    mail = build_email(message, to=recipient, message_id_header=message_id_header)
    if not claim_delivery(message=message):
        return Delivery("skipped", "another worker is sending it")
    return _send_claimed(message, mail, to=recipient, attempt=attempt)


def _send_claimed(message: Message, mail: EmailMessage, *, to: str, attempt: int) -> Delivery:
    try:
        transmit(mail)
    except TemporaryFailure as exc:
        return _retry_or_fail(message, attempt=attempt, reason=str(exc))
    except PermanentFailure as exc:
        error = f"Refused by the mail server: {exc}{_call_instead(message.customer_id)}"
        mark_delivery(message=message, status=DeliveryStatus.FAILED, error=error)
        return Delivery("failed", error)
    mark_delivery(message=message, status=DeliveryStatus.SENT)
    return Delivery("sent", to)


def _deliver_not_email(message: Message, *, attempt: int) -> Delivery:
    """A message on another channel: sent by its transport when that posts through the outbox
    (a Mastodon reply); otherwise nothing carries it, and the timeline says so, never "Sent"."""
    transport = transport_for(message.channel)
    if transport is not None and transport.send is not None:
        if not claim_delivery(message=message):
            return Delivery("skipped", "another worker is sending it")
        return _send_by_transport(message, transport.send, attempt=attempt)
    error = (
        f"Nothing was sent: Rapport has no {message.channel} transport."
        if transport is None
        else f"Nothing was sent: the outbox carries email, not {message.channel}."
    )
    mark_delivery(message=message, status=DeliveryStatus.NOT_SENT, error=error)
    return Delivery("not_sent", error)


def _send_by_transport(message: Message, send: Send, *, attempt: int) -> Delivery:
    try:
        detail = send(message)
    except Undelivered as exc:
        if exc.temporary:
            return _retry_or_fail(message, attempt=attempt, reason=str(exc))
        error = f"Not delivered: {exc}{_call_instead(message.customer_id)}"
        mark_delivery(message=message, status=DeliveryStatus.FAILED, error=error)
        return Delivery("failed", error)
    mark_delivery(message=message, status=DeliveryStatus.SENT)
    return Delivery("sent", detail)


def _retry_or_fail(message: Message, *, attempt: int, reason: str) -> Delivery:
    limit = settings.RAPPORT_EMAIL_MAX_ATTEMPTS
    if attempt >= limit:
        error = (
            f"Not delivered after {attempt} attempts: {reason}{_call_instead(message.customer_id)}"
        )
        mark_delivery(message=message, status=DeliveryStatus.FAILED, error=error)
        return Delivery("failed", error)
    retry_at = timezone.now() + backoff(attempt)
    note_retry(
        message=message,
        error=(
            f"Attempt {attempt} of {limit} failed ({reason}); trying again at {retry_at:%H:%M} UTC."
        ),
        retry_at=retry_at,
    )
    return Delivery("retry", reason, retry_at)


def choose_recipient(message: Message) -> tuple[str | None, str]:
    """The address `message` goes to, or None and why not (see `recipient_for`)."""
    return recipient_for(customer_id=message.customer_id, case_id=message.case_id)


def recipient_for(*, customer_id: int, case_id: int) -> tuple[str | None, str]:
    """The customer's verified address to write to on a case, or None and why not.

    Only a verified address is written to: one typed on the contact page, or given by a mail
    whose sender failed authentication, may be anybody's. Of those, the address they last wrote
    from on this case comes first, then their primary address, then any other; an address
    marked undeliverable (it bounced) is never used.
    """
    emails = list(
        Identity.objects.filter(customer_id=customer_id, kind=IdentityKind.EMAIL).order_by(
            "-is_primary", "pk"
        )
    )
    identities = [identity for identity in emails if identity.is_verified]
    wrote_from = _last_sender(case_id)
    identities.sort(key=lambda identity: identity.value != wrote_from)
    for identity in identities:
        if not identity.undeliverable_reason:
            return identity.value, ""
    if identities:
        bounced = identities[0]
        return None, (
            f"Not sent: address bounced: {bounced.value} ({bounced.undeliverable_reason})"
            f"{_call_instead(customer_id)}"
        )
    if emails:
        return None, (
            f"Not sent: {emails[0].value} is not verified (anyone could have typed it); "
            f"verify it on the customer's page first{_call_instead(customer_id)}"
        )
    return None, f"Not sent: the customer has no email address{_call_instead(customer_id)}"


def _last_sender(case_id: int) -> str:
    sender = (
        InboundEmail.objects.filter(case_id=case_id, status=InboundStatus.PROCESSED)
        .order_by("-pk")
        .values_list("sender", flat=True)
        .first()
    )
    try:
        return normalise_email(sender) if sender else ""
    except InvalidIdentity:
        return ""


def _call_instead(customer_id: int) -> str:
    phone = primary_phone(customer_id)
    return f" — call them instead ({phone})" if phone else " — call them instead"


def thread_headers(message: Message) -> dict[str, str]:
    """In-Reply-To (the customer's last mail, else our last) and References (the case's chain,
    oldest first, the first and the latest MAX_REFERENCES - 1 kept)."""
    chain = [
        (external_id or "", direction)
        for external_id, direction in Message.objects.filter(
            case_id=message.case_id, channel=Channel.EMAIL
        )
        .filter(external_id__isnull=False)
        .exclude(pk=message.pk)
        .exclude(external_id__endswith=f"@{SYNTHETIC_DOMAIN}>")
        .filter(direction__in=(Direction.INBOUND, Direction.OUTBOUND), pk__lt=message.pk)
        .order_by("created_at", "pk")
        .values_list("external_id", "direction")
    ]
    if not chain:
        return {}
    ids = list(dict.fromkeys(external_id for external_id, _ in chain))
    if len(ids) > MAX_REFERENCES:
        ids = [ids[0], *ids[-(MAX_REFERENCES - 1) :]]
    inbound = [external_id for external_id, direction in chain if direction == Direction.INBOUND]
    parent = inbound[-1] if inbound else chain[-1][0]
    return {"In-Reply-To": parent, "References": " ".join(ids)}


def build_email(message: Message, *, to: str, message_id_header: str) -> EmailMessage:
    case = message.case
    _, domain = own_address()
    address = f"{own_address()[0]}@{domain}"
    configured_address = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    sender_name = message.author.display_name if message.author else settings.SITE_NAME
    from_email = email.utils.formataddr((sender_name, configured_address or address))
    headers = {
        "Message-ID": message_id_header,
        # RFC 3834: a person wrote this one; an acknowledgment (no author) was sent by the desk.
        "Auto-Submitted": "no" if message.author_id else "auto-replied",
        **thread_headers(message),
    }
    if not message.author_id:
        # Ask Exchange and others not to answer an automatic message with their own.
        headers["X-Auto-Response-Suppress"] = "All"
    mail = EmailMessage(
        subject=subject_of(message),
        body=with_status_link(message),
        from_email=from_email,
        to=[to],
        reply_to=[email.utils.formataddr((sender_name, reply_to_address(case.pk)))],
        headers=headers,
    )
    for attachment in message.attachments.order_by("pk"):
        if attachment.file:  # the files stored with the message go with it
            with attachment.file.open("rb") as handle:
                _attach(mail, attachment, handle.read())
    return mail


def with_status_link(message: Message) -> str:
    """The message as written, then the customer's link to their case (docs/customer-side.md)."""
    link = status_link(message.case)
    until = link.expires_at.astimezone(ZoneInfo(message.customer.timezone))
    return (
        f"{message.text.rstrip()}\n\n"
        f"Your case {message.case.reference} (read it, answer it or ask us to call you):\n"
        f"{link.url}\n"
        f"This link is for you alone and works until {until:%-d %B %Y}.\n"
    )


def _attach(mail: EmailMessage, attachment: Attachment, data: bytes) -> None:
    """The file as stored; a text type with parameters keeps them (a calendar client reads an
    invitation by "text/calendar; method=REQUEST"), which Django's `attach` would garble."""
    main, *params = (part.strip() for part in attachment.content_type.split(";"))
    kind, _, subtype = main.lower().partition("/")
    if kind != "text" or not params:
        mail.attach(attachment.filename, data, main or None)
        return
    try:
        text = data.decode()
    except UnicodeDecodeError:
        mail.attach(attachment.filename, data, "application/octet-stream")
        return
    part = MIMEText(text, subtype, "utf-8")
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() != "charset":  # written as UTF-8 whatever it was
            part.set_param(name.strip(), value.strip().strip('"'))
    part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
    mail.attach(part)


# -- Outbox sweep --------------------------------------------------------------------------------


def sweep_outbox(*, now: datetime) -> dict[str, list[int]]:
    """Re-queue what a killed worker lost: a queued message whose job vanished (OUTBOX_GRACE past
    its due time) and a message left sending by a worker that died mid-send.

    Each message is claimed by compare-and-set on (status, next_attempt_at), so of two sweeps only
    one re-enqueues it. A stuck send may in fact have reached the server: sending again is better
    than a silently lost reply, and the Message-ID is the same, so the customer's client shows one.
    """
    requeued: list[int] = []
    recovered: list[int] = []
    failed: list[int] = []
    lost = Message.objects.filter(
        delivery_status=DeliveryStatus.QUEUED, next_attempt_at__lte=now - OUTBOX_GRACE
    ).order_by("next_attempt_at")
    for pk, due in lost.values_list("pk", "next_attempt_at")[:OUTBOX_BATCH]:
        # Due again now: if this job is lost too, a sweep a grace later tries again.
        claimed = Message.objects.filter(
            pk=pk, delivery_status=DeliveryStatus.QUEUED, next_attempt_at=due
        ).update(next_attempt_at=now)
        if claimed:
            requeued.append(pk)
    stuck = Message.objects.filter(
        delivery_status=DeliveryStatus.SENDING, next_attempt_at__lte=now - OUTBOX_GRACE
    ).order_by("next_attempt_at")
    limit = settings.RAPPORT_EMAIL_MAX_ATTEMPTS
    for pk, since, attempts in stuck.values_list("pk", "next_attempt_at", "delivery_attempts")[
        :OUTBOX_BATCH
    ]:
        mine = Message.objects.filter(
            pk=pk, delivery_status=DeliveryStatus.SENDING, next_attempt_at=since
        )
        if attempts >= limit:
            # The worker died on every attempt: stop, and let a person look (it may have gone).
            error = (
                f"Not confirmed after {attempts} attempts: the worker stopped while sending; "
                "it may have been delivered — check before writing again."
            )
            if mine.update(delivery_status=DeliveryStatus.FAILED, delivery_error=error):
                failed.append(pk)
            continue
        error = f"Attempt {attempts} was interrupted; trying again."
        if mine.update(
            delivery_status=DeliveryStatus.QUEUED, next_attempt_at=now, delivery_error=error
        ):
            recovered.append(pk)
    _enqueue([*requeued, *recovered])
    return {"requeued": requeued, "recovered": recovered, "failed": failed}


def _enqueue(message_ids: list[int]) -> None:
    """Each claimed message's job again (the one delivery task: its files are stored with it)."""
    if not message_ids:
        return
    attempts = dict(
        Message.objects.filter(pk__in=message_ids).values_list("pk", "delivery_attempts")
    )
    for pk in message_ids:
        deliver_message.enqueue(pk, attempts.get(pk, 0) + 1)
