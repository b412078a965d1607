"""The only functions that change inbound email: store raw first, then process exactly once.

`store_inbound_email` commits the exact bytes before anything else and queues processing on
commit. `process_inbound_email` parses, identifies the customer, threads the mail into a case
and records the outcome on the row, all in one transaction; a failure rolls everything back and
is recorded with the error and the attempt count, to be retried by the sweep (with backoff) or
by a person. The sweep also re-queues rows that nobody processed, so a worker killed at any
moment loses nothing.
"""

from __future__ import annotations

import email.utils
import logging
import re
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists
from django.utils import timezone

from rapport.cases.actions import MAX_TEXT, notify_agent, open_case_with_message, receive_message
from rapport.cases.models import ACTIVE_STATUSES, Attachment, Case, Direction, Message
from rapport.lib.errors import ActionError, Conflict
from rapport.lib.identities import InvalidIdentity, normalise_email
from rapport.mail import matching
from rapport.mail.acknowledge import acknowledge_on_commit
from rapport.mail.intake import (
    IntakeResult,
    clean_strings,
    clean_text,
    message_ids_in_headers,
    read_headers,
)
from rapport.mail.models import (
    INBOUND_TRANSITIONS,
    RETRYABLE,
    InboundEmail,
    InboundStatus,
    Outcome,
    Source,
)
from rapport.mail.parse import ParsedAttachment, ParsedEmail, parse_email
from rapport.people.actions import find_or_create_customer, mark_identity_undeliverable
from rapport.people.models import Agent, Channel, Customer, Identity, IdentityKind

logger = logging.getLogger("rapport.mail")

SWEEP_BATCH = 500
BATCH = 100  # mails stored or processed in one transaction
MAX_BACKOFF = timedelta(hours=1)
_ORIGINAL_PARTS = ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers")


# -- Storing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrival:
    """One mail as it arrived: the exact bytes and the envelope around them."""

    raw: bytes
    envelope_from: str = ""
    envelope_to: Sequence[str] = ()
    source_ref: str = ""
    received_at: datetime | None = None


def store_inbound_email(
    *,
    raw: bytes,
    source: str,
    envelope_from: str = "",
    envelope_to: Iterable[str] = (),
    source_ref: str = "",
    received_at: datetime | None = None,
    enqueue: bool = True,
) -> InboundEmail:
    """Keep the exact bytes and envelope; processing is queued once this has committed.

    With `enqueue=False` the caller processes the row itself (`rapport ingest-email --json`);
    either way the sweep picks the row up if nobody has processed it a minute later.
    """
    arrival = Arrival(raw, envelope_from, tuple(envelope_to), source_ref, received_at)
    return store_inbound_emails(arrivals=[arrival], source=source, enqueue=enqueue)[0]


@transaction.atomic
def store_inbound_emails(
    *, arrivals: Sequence[Arrival], source: str, enqueue: bool = True
) -> list[InboundEmail]:
    """Several mails kept in one transaction (an IMAP fetch, a pipe given many files): all of
    them or none. Processing is queued once, for the batch, on commit."""
    if source not in Source.values:
        raise ActionError(f"{source!r} is not a source of email.", field="source")
    now = timezone.now()
    rows = []
    for arrival in arrivals:
        raw = bytes(arrival.raw)
        headers = read_headers(raw)
        rows.append(
            InboundEmail(
                raw=raw,
                size=len(raw),
                source=source,
                source_ref=clean_text(arrival.source_ref)[:300],
                envelope_from=clean_text(arrival.envelope_from).strip()[:320],
                envelope_to=[clean_text(a).strip()[:320] for a in arrival.envelope_to if a.strip()],
                received_at=arrival.received_at or now,
                message_id=headers.message_id,
                sender=headers.sender,
                subject=headers.subject,
                retry_at=now + _stale(),
            )
        )
    stored = InboundEmail.objects.bulk_create(rows, batch_size=BATCH)
    if enqueue:
        for first in stored[::BATCH]:  # each job takes the mails queued behind its own
            transaction.on_commit(partial(_enqueue, first.pk), robust=True)
    return stored


def _enqueue(inbound_id: int) -> None:
    from rapport.mail.tasks import process_inbound

    process_inbound.enqueue(inbound_id)


def _stale() -> timedelta:
    return timedelta(seconds=settings.RAPPORT_INTAKE_STALE_SECONDS)


# -- Processing ----------------------------------------------------------------------------------


_PENDING = (InboundStatus.RECEIVED, InboundStatus.FAILED)


def process_inbound_email(*, inbound_id: int) -> IntakeResult:
    """Process one stored mail; idempotent (a settled row is left as it is) and never raises
    for a problem in the mail itself: a failure is recorded on the row and retried."""
    results = process_inbound_emails(inbound_ids=[inbound_id])
    if not results:
        raise InboundEmail.DoesNotExist(f"Inbound email #{inbound_id} does not exist.")
    return results[0]


def process_inbound_emails(*, inbound_ids: Sequence[int]) -> list[IntakeResult]:
    """Process stored mails in the order given, as if one after the other, in one transaction.

    Each mail has its own savepoint: a mail that fails is rolled back alone, recorded with its
    error and retried later, and the others are kept. Settled rows are left as they are; ids
    that do not exist are left out of the results.
    """
    ids = list(dict.fromkeys(inbound_ids))
    rows = {row.pk: row for row in InboundEmail.objects.filter(pk__in=ids, status__in=_PENDING)}
    work: list[tuple[InboundEmail, ParsedEmail]] = []
    failures: list[tuple[int, Exception]] = []
    for pk in ids:
        if pk not in rows:
            continue
        try:
            # Parsed before the transaction, so the write lock is held only for the writes.
            work.append((rows[pk], clean_strings(parse_email(bytes(rows[pk].raw)))))
        except Exception as exc:
            failures.append((pk, exc))
        rows[pk].raw = b""  # the bytes are not needed any more; a batch holds less memory
    done: dict[int, InboundEmail] = {}
    if work:
        with transaction.atomic():
            for row, parsed in work:
                try:
                    # A savepoint per mail when there are several, so one failure is undone alone.
                    with transaction.atomic(savepoint=len(work) > 1):
                        if _Processor(row, parsed).run():
                            done[row.pk] = row
                except Exception as exc:
                    failures.append((row.pk, exc))
    for pk, error in failures:
        logger.error("Processing inbound email %s failed", pk, exc_info=error)
        _record_failure(pk, error)
    # The rest were failed, settled before or meanwhile elsewhere, or missing: read them again.
    others = [pk for pk in ids if pk not in done]
    if others:
        done.update(InboundEmail.objects.defer("raw").in_bulk(others))
    return [IntakeResult.of(done[pk]) for pk in ids if pk in done]


def take_batch(*, first_id: int, size: int) -> list[int]:
    """The mail a job was queued for and, behind it, up to `size - 1` more that are waiting:
    under load the worker processes the queue in batches rather than one transaction a mail.
    Their own jobs then find them settled and stop at once."""
    waiting = (
        InboundEmail.objects.filter(status=InboundStatus.RECEIVED, pk__gt=first_id)
        .order_by("pk")
        .values_list("pk", flat=True)[: max(size - 1, 0)]
    )
    return [first_id, *waiting]


def _record_failure(inbound_id: int, exc: BaseException) -> None:
    with transaction.atomic():
        row = InboundEmail.objects.select_for_update().defer("raw").filter(pk=inbound_id).first()
        if row is None or row.status not in (InboundStatus.RECEIVED, InboundStatus.FAILED):
            return
        attempts = row.attempts + 1
        retry_at = None
        if attempts < settings.RAPPORT_INTAKE_MAX_ATTEMPTS:
            retry_at = timezone.now() + min(timedelta(minutes=2 ** (attempts - 1)), MAX_BACKOFF)
        summary = clean_text(f"{type(exc).__name__}: {exc}")
        details = clean_text("".join(traceback.format_exception(exc)[-6:]))
        InboundEmail.objects.filter(pk=row.pk).update(
            status=InboundStatus.FAILED,
            outcome=Outcome.FAILED,
            reason=summary[:500],
            error=f"{summary}\n\n{details}"[:20_000],
            attempts=attempts,
            retry_at=retry_at,
        )


class _Processor:
    """One pass over one row, inside the caller's transaction."""

    def __init__(self, row: InboundEmail, parsed: ParsedEmail) -> None:
        self.row = row
        self.parsed = parsed
        self.address = ""

    def run(self) -> bool:
        """False if another worker settled the row first (nothing was done here)."""
        self.row.parse_errors = list(self.parsed.parse_errors[:20])
        claimed = self._claim()
        if claimed is None:
            return False
        if not claimed:
            return True  # a redelivery, settled as a duplicate
        refusal = self._refusal()
        if refusal:
            self._settle(InboundStatus.REJECTED, Outcome.REJECTED, refusal)
        elif self.parsed.is_bounce:
            self._bounce()
        elif self.parsed.is_auto_reply:
            self._auto_reply(self.address)
        else:
            self._deliver(self.address)
        return True

    def _refusal(self) -> str:
        """Why nothing may be created from this mail, or "" if it may go on."""
        row, parsed = self.row, self.parsed
        outbound = Message.objects.filter(external_id=row.message_id, direction=Direction.OUTBOUND)
        if outbound.exists():
            return "our own outgoing message came back (mail loop); nothing created"
        if parsed.is_bounce:
            return ""  # from a mail system, not a person: exempt from the sender checks
        address = self._sender_address()
        if address is None:
            problem = parsed.parse_errors[0] if parsed.parse_errors else "no From address"
            return f"unparseable: no usable sender address ({problem})"
        if _is_own_address(address):
            return f"sent from our own address {address} (mail loop); nothing created"
        self.address = address
        if row.rate_limit_waived:
            return ""
        return self._rate_limited(row.sender or address)

    # -- each outcome --------------------------------------------------------------------------

    def _claim(self) -> bool | None:
        """Claim the row and its Message-ID in one compare-and-set.

        True: this pass owns the mail. False: another row holds the Message-ID, so this one is
        a redelivery (settled here as a duplicate). None: another worker has settled the row.
        The update also serves as the row lock (PostgreSQL waits on it, then sees the new
        status); two copies of one mail processed at the same instant meet the unique `claim`
        column, and the loser fails and is retried, as a duplicate, by the sweep.
        """
        row = self.row
        held_elsewhere = InboundEmail.objects.filter(claim=row.message_id).exclude(pk=row.pk)
        claimed = (
            InboundEmail.objects.filter(pk=row.pk, status=row.status)
            .exclude(Exists(held_elsewhere))
            .update(claim=row.message_id)
        )
        if claimed:
            row.claim = row.message_id
            return True
        if not InboundEmail.objects.filter(pk=row.pk, status=row.status).exists():
            return None
        original = held_elsewhere.defer("raw").first()
        if original is None:  # the holder was deleted at this moment; the retry decides
            raise Conflict(f"Message-ID {row.message_id} changed hands while being claimed.")
        row.duplicate_of = original
        row.customer_id, row.case_id = original.customer_id, original.case_id
        self._settle(
            InboundStatus.DUPLICATE,
            Outcome.DUPLICATE,
            f"Message-ID {row.message_id} already received (intake #{original.pk})",
        )
        return False

    def _bounce(self) -> None:
        parsed = self.parsed
        marked: list[Identity] = []
        for recipient in parsed.bounce_recipients:
            try:
                value = normalise_email(recipient.address)
            except InvalidIdentity:
                continue
            identity = (
                Identity.objects.select_related("customer")
                .filter(kind=IdentityKind.EMAIL, value=value)
                .first()
            )
            if identity is None or any(i.pk == identity.pk for i in marked):
                continue
            why = " ".join(part for part in (recipient.status, recipient.diagnostic) if part) or (
                parsed.bounce_reason or "delivery failed"
            )
            mark_identity_undeliverable(identity=identity, reason=f"Bounced: {why}")
            marked.append(identity)
        addresses = ", ".join(r.address for r in parsed.bounce_recipients) or "unknown address"
        if not marked:
            self._settle(
                InboundStatus.BOUNCE,
                Outcome.BOUNCE,
                f"bounce for {addresses}, which is no customer's address",
            )
            return
        customer = _current(marked[0].customer)
        case = self._bounced_case(customer)
        owner = case.owner if case is not None and case.owner else customer.owner
        if owner is not None:
            notify_agent(
                agent=owner,
                case=case,
                kind="bounce",
                text=(
                    f"Mail to {customer.name} <{marked[0].value}> bounced "
                    f"({marked[0].undeliverable_reason.removeprefix('Bounced: ')}). "
                    "The address is marked undeliverable: call them or ask for another address."
                ),
            )
        self.row.customer, self.row.case = customer, case
        self._settle(
            InboundStatus.BOUNCE,
            Outcome.BOUNCE,
            f"bounce for {addresses}: marked undeliverable"
            + (f", {owner.display_name} notified" if owner else ""),
        )

    def _bounced_case(self, customer: Customer) -> Case | None:
        """The case of the message that bounced: from the report's own headers, the returned
        original's Message-ID, else the customer's most recent active case."""
        wanted = [("in_reply_to", m) for m in matching.message_ids_in(self.parsed.in_reply_to)]
        wanted += [("references", m) for m in matching.message_ids_in(self.parsed.references)]
        for attachment in self.parsed.attachments:
            if attachment.content_type in _ORIGINAL_PARTS and attachment.payload:
                wanted += [("references", m) for m in message_ids_in_headers(attachment.payload)]
        match = matching.match_message_ids(wanted, own_message_id=self.row.message_id)
        if match is not None:
            return match.case
        return (
            Case.objects.select_related("owner")
            .filter(customer=customer, status__in=ACTIVE_STATUSES)
            .order_by("-updated_at")
            .first()
        )

    def _sender_address(self) -> str | None:
        for candidate in (self.parsed.from_address, self.row.sender):
            if not candidate:
                continue
            try:
                return normalise_email(candidate)
            except InvalidIdentity:
                continue
        return None

    def _rate_limited(self, sender: str) -> str:
        row = self.row
        limit = settings.RAPPORT_INTAKE_RATE_LIMIT
        minutes = settings.RAPPORT_INTAKE_RATE_MINUTES
        earlier = (
            InboundEmail.objects.filter(
                sender=sender,
                received_at__gt=row.received_at - timedelta(minutes=minutes),
                pk__lt=row.pk,
            )
            .exclude(status__in=(InboundStatus.DUPLICATE, InboundStatus.BOUNCE))
            .count()
        )
        if earlier < limit:
            return ""
        return (
            f"rate limit: {earlier + 1} mails from {sender} within {minutes} minutes "
            f"(limit {limit}); nothing created"
        )

    def _auto_reply(self, address: str) -> None:
        """Recorded against the customer and case it answers, and nothing else: no message on
        the case, no status change, no automatic mail back."""
        customer = _existing_customer(address)
        lookup = matching.find_case(
            self.parsed,
            own_message_id=self.row.message_id,
            customer=customer,
            recipients=self._recipients(),
            received_at=self.row.received_at,
            by_subject=False,
        )
        case = lookup.match.case if lookup.match else None
        self.row.customer, self.row.case = customer, case
        why = self.parsed.auto_reply_reason or "automatic reply"
        where = f" to case #{case.pk}" if case else ""
        self._settle(
            InboundStatus.AUTO_REPLY,
            Outcome.AUTO_REPLY,
            f"auto-reply{where} ({why}); recorded only, the case is unchanged",
        )

    def _deliver(self, address: str) -> None:
        row, parsed = self.row, self.parsed
        customer = _customer_for(address, name=parsed.from_name)
        lookup = matching.find_case(
            parsed,
            own_message_id=row.message_id,
            customer=customer,
            recipients=self._recipients(),
            received_at=row.received_at,
        )
        text = _message_text(parsed)
        message: Message | None
        if lookup.match is not None:
            case = lookup.match.case
            message = receive_message(
                case=case,
                text=text,
                channel=Channel.EMAIL,
                html=parsed.html,
                external_id=row.message_id,
                received_at=row.received_at,
            )
            outcome, reason = Outcome.THREADED, lookup.match.reason
        else:
            opened = open_case_with_message(
                customer=customer,
                subject=parsed.subject or row.subject,
                channel=Channel.EMAIL,
                text=text,
                html=parsed.html,
                by=None,
                external_id=row.message_id,
                received_at=row.received_at,
                route=True,
            )
            case, message = opened.case, opened.message
            outcome, reason = Outcome.NEW_CASE, f"new case #{case.pk}"
            # Acknowledgment (RAPPORT_EMAIL_ACKNOWLEDGE, off by default), queued on commit: only
            # here, for a person's mail that opened a case; auto-replies, bounces and rejected
            # mail never reach this line. At most one per case (rapport/mail/acknowledge.py).
            acknowledge_on_commit(case.pk)
        if message is not None:
            _store_attachments(message, parsed.attachments)
        row.customer, row.case, row.case_message = customer, case, message
        self._settle(InboundStatus.PROCESSED, outcome, "; ".join([reason, *lookup.notes]))

    # -- helpers -------------------------------------------------------------------------------

    def _recipients(self) -> list[str]:
        envelope = [str(address) for address in self.row.envelope_to]
        headers = [address for _, address in (*self.parsed.to, *self.parsed.cc)]
        return list(dict.fromkeys(a.lower() for a in (*envelope, *headers) if a))

    def _settle(self, status: str, outcome: str, reason: str) -> None:
        row = self.row
        if status not in INBOUND_TRANSITIONS[row.status]:  # pragma: no cover - a coding error
            raise Conflict(f"An inbound email cannot go from {row.status} to {status}.")
        previous = row.status
        row.status, row.outcome, row.reason = status, outcome, reason[:500]
        row.error = ""
        row.attempts += 1
        row.retry_at = None
        row.processed_at = timezone.now()
        # Compare-and-set on the status: a duplicate is settled without the claim's row lock.
        settled = InboundEmail.objects.filter(pk=row.pk, status=previous).update(
            status=row.status,
            outcome=row.outcome,
            reason=row.reason,
            error="",
            attempts=row.attempts,
            retry_at=None,
            processed_at=row.processed_at,
            parse_errors=row.parse_errors,
            duplicate_of=row.duplicate_of_id,
            customer=row.customer_id,
            case=row.case_id,
            case_message=row.case_message_id,
        )
        if not settled:
            raise Conflict(f"Inbound email #{row.pk} was settled by another worker meanwhile.")


def _message_text(parsed: ParsedEmail) -> str:
    text = parsed.visible_text.strip() or parsed.text.strip()
    if not text:
        names = ", ".join(a.filename for a in parsed.attachments if not a.inline)
        text = f"(no text; attached: {names})" if names else "(empty message)"
    if len(text) > MAX_TEXT:
        # The full original stays one click away on the inbound email.
        text = text[: MAX_TEXT - 40].rstrip() + "\n\n[… shortened; see the original]"
    return text


def _customer_for(address: str, *, name: str) -> Customer:
    try:
        customer, _ = find_or_create_customer(kind=IdentityKind.EMAIL, value=address, name=name)
    except ActionError:
        # Another worker created this sender a moment ago; the address is theirs now.
        customer, _ = find_or_create_customer(kind=IdentityKind.EMAIL, value=address, name=name)
    return customer


def _existing_customer(address: str) -> Customer | None:
    identity = (
        Identity.objects.select_related("customer")
        .filter(kind=IdentityKind.EMAIL, value=address)
        .first()
    )
    return _current(identity.customer) if identity is not None else None


def _current(customer: Customer) -> Customer:
    hops = 0
    while customer.merged_into_id is not None and hops < matching.MAX_MERGE_HOPS:
        customer = Customer.objects.get(pk=customer.merged_into_id)
        hops += 1
    return customer


_PLUS = re.compile(r"\+[^@]*@")


def _is_own_address(address: str) -> bool:
    own = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1].strip().lower()
    return bool(own) and _PLUS.sub("@", address) == _PLUS.sub("@", own)


def _store_attachments(message: Message, attachments: Iterable[ParsedAttachment]) -> None:
    for attachment in attachments:
        stored = Attachment(
            message=message,
            filename=attachment.filename[:255],
            content_type=attachment.content_type[:100],
            size=attachment.size,
            content_id=attachment.content_id[:255],
        )
        stored.file.save(_storage_name(attachment.filename), ContentFile(attachment.payload), False)
        stored.save()


def _storage_name(filename: str) -> str:
    """A safe, short file name for storage; the original name is kept on the row."""
    name = PurePath(filename.replace("\\", "/")).name
    name = re.sub(r"[^\w.-]+", "_", name, flags=re.ASCII).strip("._") or "attachment"
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 10:
        stem, extension = name, ""
    stem = stem[:50] or "attachment"
    return f"{stem}.{extension}" if extension else stem


# -- Retrying and the sweep ----------------------------------------------------------------------


@transaction.atomic
def retry_inbound_email(
    *, inbound: InboundEmail, by: Agent | None, enqueue: bool = True
) -> InboundEmail:
    """Send a failed or rejected mail through processing again; a rejected one is let through
    the per-sender rate limit, since a person decided it should be."""
    current = InboundEmail.objects.filter(pk=inbound.pk).values_list("status", flat=True).first()
    if current is None:
        raise ActionError("That inbound email no longer exists.")
    if current not in RETRYABLE:
        raise ActionError(
            f"Only failed or rejected mail can be processed again; this one is {current}."
        )
    who = by.display_name if by is not None else "the command line"
    fields: dict[str, Any] = {
        "status": InboundStatus.RECEIVED,
        "outcome": "",
        "reason": f"queued again by {who}",
        "retry_at": timezone.now() + _stale(),
    }
    if current == InboundStatus.REJECTED:
        fields["rate_limit_waived"] = True
    updated = InboundEmail.objects.filter(pk=inbound.pk, status=current).update(**fields)
    if not updated:
        raise Conflict("Someone else retried this mail at the same moment. Reload the page.")
    if enqueue:
        transaction.on_commit(partial(_enqueue, inbound.pk), robust=True)
    inbound.refresh_from_db()
    return inbound


def sweep_intake(*, now: datetime) -> dict[str, Any]:
    """Queue again every mail nobody processed (the worker died) and every failed mail whose
    next attempt is due. Each row is claimed with a compare-and-set, so sweeping workers never
    queue the same row twice."""
    requeued: list[int] = []
    retried: list[int] = []
    due = (
        InboundEmail.objects.filter(
            retry_at__lte=now, status__in=(InboundStatus.RECEIVED, InboundStatus.FAILED)
        )
        .order_by("retry_at")
        .values_list("pk", "retry_at", "status")[:SWEEP_BATCH]
    )
    for pk, retry_at, status in list(due):
        claimed = InboundEmail.objects.filter(pk=pk, retry_at=retry_at, status=status).update(
            retry_at=now + _stale()
        )
        if not claimed:
            continue
        (requeued if status == InboundStatus.RECEIVED else retried).append(pk)
        try:
            _enqueue(pk)
        except Exception:
            logger.exception("Could not queue inbound email %s; the next sweep tries again", pk)
    return {"requeued": requeued, "retried": retried}
