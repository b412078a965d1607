"""The outbox: the one way a message to the customer is queued, and every write to its delivery.

`queue_outbound_message(s)` writes the outbound `Message` (signed by the agent who wrote it, or
by the desk), its files (an appointment's calendar invitation is one: stored with the message, so
every attempt sends the same bytes) and queues `rapport.mail.tasks.deliver_message` on commit.
The row is the outbox: if the job is lost, the outbox sweep (`rapport.mail.outbound`) sends it.
It leaves the case alone: a reply's status and deadlines are the caller's (`reply`), and an
invitation or reminder is not an answer the customer is waiting for.

Mail to an agent (their notifications) is queued the same way by `queue_agent_mail`: an
`AgentMail` row, sent by `rapport.mail.tasks.deliver_agent_mail` on commit, or by the outbox
sweep if that job is lost; `queue_address_mail` queues one to an address that is nobody's yet
(a chat visitor's verification code).

Delivery moves forward only, each step a compare-and-set on the status: queued -> sending
(`claim_delivery`, so of two workers only one sends), sending -> queued (`note_retry`), and
queued or sending -> sent, failed or not sent (`mark_delivery`), never back from a settled one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from rapport.cases.actions.messages import signed
from rapport.cases.attachments import Upload, attach, check_uploads
from rapport.cases.models import Case, DeliveryStatus, Direction, Message
from rapport.lib.bulk import insert_each
from rapport.mail.models import AgentMail, AgentMailStatus
from rapport.mail.tasks import deliver_agent_mail, deliver_message
from rapport.people.models import Agent, Channel

OPEN = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING)
# A queued mail to an agent whose job has not sent it by then is sent by the outbox sweep.
AGENT_MAIL_GRACE = timedelta(minutes=2)
SETTLED = (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.NOT_SENT)


@dataclass(frozen=True)
class Outgoing:
    """One message to queue: `by` the agent who wrote it (None: the desk), `subject` its own
    when it is not a reply on the case's thread."""

    case: Case
    text: str
    by: Agent | None
    channel: str = Channel.EMAIL
    subject: str = ""
    attachments: Sequence[Upload] = ()


def signature(text: str, by: Agent | None) -> str:
    """Signed by the agent only when they wrote it; otherwise by the desk, as what it is."""
    return signed(text, by) if by is not None else f"{text.rstrip()}\n\n— {settings.SITE_NAME}"


def queue_outbound_message(
    *,
    case: Case,
    text: str,
    by: Agent | None,
    channel: str = Channel.EMAIL,
    subject: str = "",
    attachments: Sequence[Upload] = (),
    now: datetime | None = None,
) -> Message:
    """A message to the customer on the case timeline, sent by the worker on commit (atomic:
    `queue_outbound_messages` holds the transaction)."""
    outgoing = Outgoing(case, text, by, channel, subject, attachments)
    [message] = queue_outbound_messages([outgoing], now=now or timezone.now())
    return message


# No savepoint of its own inside the caller's transaction (intake's wave): it fails with it.
@transaction.atomic(savepoint=False)
def queue_outbound_messages(outgoing: Sequence[Outgoing], *, now: datetime) -> list[Message]:
    """Many at once in the caller's transaction (intake acknowledges a wave of new cases)."""
    for each in outgoing:
        check_uploads(each.attachments)
    messages = insert_each(
        Message,
        [
            Message(
                case=each.case,
                customer_id=each.case.customer_id,
                direction=Direction.OUTBOUND,
                channel=each.channel,
                author=each.by,
                subject=each.subject[:300],
                text=signature(each.text, each.by),
                delivery_status=DeliveryStatus.QUEUED,
                next_attempt_at=now,
                created_at=now,
            )
            for each in outgoing
        ],
    )
    for message, each in zip(messages, outgoing, strict=True):
        if each.attachments:
            attach(message, each.attachments)
        # Robust: a queue that is down loses the job, not the commit; the sweep sends it later.
        transaction.on_commit(partial(deliver_message.enqueue, message.pk), robust=True)
    return messages


def claim_delivery(*, message: Message) -> bool:
    """Queued -> sending; only the worker whose update hit the row may send."""
    claimed = Message.objects.filter(pk=message.pk, delivery_status=DeliveryStatus.QUEUED).update(
        delivery_status=DeliveryStatus.SENDING,
        next_attempt_at=timezone.now(),
        delivery_attempts=F("delivery_attempts") + 1,
    )
    return bool(claimed)


def note_retry(*, message: Message, error: str, retry_at: datetime) -> bool:
    """Sending -> queued after a temporary failure: the reason is shown while it waits."""
    updated = Message.objects.filter(pk=message.pk, delivery_status=DeliveryStatus.SENDING).update(
        delivery_status=DeliveryStatus.QUEUED, delivery_error=error[:500], next_attempt_at=retry_at
    )
    return bool(updated)


def mark_delivery(*, message: Message, status: str, error: str = "") -> bool:
    """Record how delivery ended: queued or sending -> sent, failed or not sent, compare-and-set,
    so a settled message never changes (a slow worker's late "failed" never hides "sent").

    Sending counts too: a slow worker the outbox sweep gave up on still records what happened.
    Returns whether this call settled it."""
    if status not in SETTLED:
        raise ValueError(f"{status!r} does not settle a delivery")
    updated = Message.objects.filter(pk=message.pk, delivery_status__in=OPEN).update(
        delivery_status=status, delivery_error=error[:500]
    )
    return bool(updated)


@transaction.atomic
def queue_agent_mail(*, agent: Agent, subject: str, text: str, now: datetime) -> AgentMail | None:
    """A mail to the agent's own address, sent by the worker on commit; None when the agent has
    no address to send to."""
    to = str(agent.user.email or "").strip()
    if not to:
        return None
    return _queue_desk_mail(agent=agent, to=to, subject=subject, text=text, now=now)


@transaction.atomic
def queue_address_mail(*, to: str, subject: str, text: str, now: datetime) -> AgentMail:
    """A mail of the desk's own to an address no agent holds (a chat visitor's code). Once
    settled it keeps neither the address nor the words, only when and how it went."""
    return _queue_desk_mail(agent=None, to=to, subject=subject, text=text, now=now)


@transaction.atomic
def cancel_address_mail(*, addresses: Iterable[str]) -> int:
    """The desk's mail to these addresses that has not gone yet (a chat visitor's code) is not
    sent, and forgets the address and the words (their holder was erased). Returns how many."""
    wanted = [a for a in addresses if a]
    if not wanted:
        return 0
    return AgentMail.objects.filter(
        agent__isnull=True,
        to__in=wanted,
        status__in=[AgentMailStatus.QUEUED, AgentMailStatus.SENDING],
    ).update(status=AgentMailStatus.FAILED, to="", subject="", text="", error="Erased, not sent.")


def _queue_desk_mail(
    *, agent: Agent | None, to: str, subject: str, text: str, now: datetime
) -> AgentMail:
    mail = AgentMail.objects.create(
        agent=agent,
        to=to[:320],
        subject=subject[:300],
        text=text,
        next_attempt_at=now + AGENT_MAIL_GRACE,
        created_at=now,
    )
    transaction.on_commit(partial(deliver_agent_mail.enqueue, mail.pk), robust=True)
    return mail


def claim_agent_mail(*, mail: AgentMail, now: datetime) -> bool:
    """Queued -> sending; only the worker whose update hit the row may send."""
    return bool(
        AgentMail.objects.filter(pk=mail.pk, status=AgentMailStatus.QUEUED).update(
            status=AgentMailStatus.SENDING, next_attempt_at=now, attempts=F("attempts") + 1
        )
    )


def settle_agent_mail(*, mail: AgentMail, status: str, error: str = "", at: datetime) -> bool:
    """Sending -> sent or failed, or back to queued to try again at `at` (with the reason). A
    settled mail keeps who it went to and when, not what it said: it quoted customers, and
    nothing reads it again (an erasure need not hunt for it). A mail to no agent (a chat
    visitor's code) keeps not even the address."""
    if status not in AgentMailStatus.values or status == AgentMailStatus.SENDING:
        raise ValueError(f"{status!r} does not settle a mail")
    fields: dict[str, object] = {"status": status, "error": error[:500]}
    if status != AgentMailStatus.QUEUED:
        fields.update(subject="", text="")
        if mail.agent_id is None:
            fields["to"] = ""
    if status == AgentMailStatus.SENT:
        fields["sent_at"] = at
    if status == AgentMailStatus.QUEUED:
        fields["next_attempt_at"] = at
    updated = AgentMail.objects.filter(pk=mail.pk, status=AgentMailStatus.SENDING).update(**fields)
    return bool(updated)
