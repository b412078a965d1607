"""Inbound email, stored raw before anything else and then processed by the worker; mail to
agents (their notifications) waiting in the outbox."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from rapport.cases.models import Case, Message
from rapport.people.models import Agent, Customer


class Source(models.TextChoices):
    SMTP = "smtp", "SMTP listener"
    IMAP = "imap", "IMAP mailbox"
    PIPE = "pipe", "MTA pipe"
    WEBHOOK = "webhook", "Provider webhook"


class InboundStatus(models.TextChoices):
    RECEIVED = "received", "Received, not yet processed"
    PROCESSED = "processed", "Processed"
    DUPLICATE = "duplicate", "Duplicate"
    AUTO_REPLY = "auto_reply", "Auto-reply"
    BOUNCE = "bounce", "Bounce"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Failed"
    QUARANTINED = "quarantined", "Quarantined (stopped the worker)"


# Processing moves a row out of `received`; only a failed, rejected or quarantined row goes back,
# by a retry.
INBOUND_TRANSITIONS: dict[str, frozenset[str]] = {
    InboundStatus.RECEIVED: frozenset(
        {
            InboundStatus.PROCESSED,
            InboundStatus.DUPLICATE,
            InboundStatus.AUTO_REPLY,
            InboundStatus.BOUNCE,
            InboundStatus.REJECTED,
            InboundStatus.FAILED,
            InboundStatus.QUARANTINED,
        }
    ),
    InboundStatus.FAILED: frozenset(
        {
            InboundStatus.QUARANTINED,
            InboundStatus.RECEIVED,
            InboundStatus.PROCESSED,
            InboundStatus.DUPLICATE,
            InboundStatus.AUTO_REPLY,
            InboundStatus.BOUNCE,
            InboundStatus.REJECTED,
            InboundStatus.FAILED,
        }
    ),
    InboundStatus.REJECTED: frozenset({InboundStatus.RECEIVED}),
    InboundStatus.QUARANTINED: frozenset({InboundStatus.RECEIVED}),
    InboundStatus.PROCESSED: frozenset(),
    InboundStatus.DUPLICATE: frozenset(),
    InboundStatus.AUTO_REPLY: frozenset(),
    InboundStatus.BOUNCE: frozenset(),
}
# Settled rows: nothing will read their raw bytes again, so retention may delete them.
RAW_SETTLED = (
    InboundStatus.PROCESSED.value,
    InboundStatus.DUPLICATE.value,
    InboundStatus.AUTO_REPLY.value,
    InboundStatus.BOUNCE.value,
)
# Rows a person may send through processing again.
RETRYABLE = (InboundStatus.FAILED, InboundStatus.REJECTED, InboundStatus.QUARANTINED)


class Outcome(models.TextChoices):
    """What processing did with a message (the `outcome` of `rapport ingest-email --json`)."""

    NEW_CASE = "new_case", "Opened a new case"
    THREADED = "threaded", "Joined an existing case"
    DUPLICATE = "duplicate", "Already received"
    AUTO_REPLY = "auto_reply", "Auto-reply, recorded only"
    BOUNCE = "bounce", "Bounce, address marked undeliverable"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Failed, will be retried"
    QUARANTINED = "quarantined", "Quarantined: its worker died on it, waits for a person"


class AuthVerdict(models.TextChoices):
    """What the receiving MTA's sender authentication said (rapport/mail/authentication.py)."""

    UNCHECKED = "", "Not checked"
    PASS = "pass", "Sender authenticated"
    NONE = "none", "Sender not authenticated"
    FAIL = "fail", "Sender authentication failed"


class InboundEmail(models.Model):
    """One delivery of one message: the exact bytes and envelope, then what became of it."""

    raw = models.BinaryField(help_text="the exact RFC 822 bytes as received")
    size = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=10, choices=Source.choices)
    # Where the source found it, e.g. "INBOX;uidvalidity=7;uid=42" for IMAP.
    source_ref = models.CharField(max_length=300, blank=True)
    envelope_from = models.CharField(max_length=320, blank=True)
    envelope_to = models.JSONField(default=list, blank=True)
    received_at = models.DateTimeField(default=now)
    # "<id@host>" from the Message-ID header, or a stable one made from a hash of the bytes.
    message_id = models.CharField(max_length=300)
    # Read from the headers when stored (before parsing), for the per-sender rate limit.
    sender = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=300, blank=True)

    status = models.CharField(
        max_length=12, choices=InboundStatus.choices, default=InboundStatus.RECEIVED
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    parse_errors = models.JSONField(default=list, blank=True)
    # Processing attempts, each counted (committed) before it begins, so a mail that kills its
    # worker still has its attempts counted.
    attempts = models.PositiveIntegerField(default=0)
    # When the attempt under way began; cleared when it ends. Found set at the next attempt, it
    # means the worker died processing this mail: `crashes` counts those, and a mail that
    # reaches RAPPORT_INTAKE_MAX_CRASHES is quarantined.
    started_at = models.DateTimeField(null=True, blank=True)
    crashes = models.PositiveIntegerField(default=0)
    # When the sweep should look at the row again: a `received` row nobody processed (the worker
    # died) or a `failed` row due for another attempt. Null once the row is settled.
    retry_at = models.DateTimeField(null=True, blank=True)
    # A worker's job took this mail into its batch until then (see `take_batch`): other jobs
    # leave it alone, and if that worker dies the lease runs out and the sweep queues it again.
    taken_until = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # When the raw bytes were deleted (retention or erasure); the parsed message stays on its case.
    raw_deleted_at = models.DateTimeField(null=True, blank=True)
    # Set on the one row that was processed for its Message-ID; a unique column, so two copies
    # processed at the same moment cannot both win.
    claim = models.CharField(max_length=300, null=True, blank=True, unique=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The trusted MTA's SPF/DKIM/DMARC findings on the sender, read when processed.
    auth_verdict = models.CharField(
        max_length=10, choices=AuthVerdict.choices, blank=True, default=AuthVerdict.UNCHECKED
    )
    auth_summary = models.CharField(max_length=300, blank=True)
    # A person asked for this message to be let through although its sender was over the limit.
    rate_limit_waived = models.BooleanField(default=False)

    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_emails"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_emails"
    )
    # The message it became on the case (null for duplicates, auto-replies, bounces, rejects).
    case_message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_emails"
    )

    class Meta:
        indexes = [
            models.Index(fields=["message_id"], name="inbound_message_id"),
            models.Index(fields=["retry_at"], name="inbound_retry_at"),
            models.Index(fields=["status", "-received_at"], name="inbound_status"),
            models.Index(fields=["sender", "received_at"], name="inbound_sender_rate"),
            # Settled mail whose raw bytes are still kept: what the retention sweep walks.
            models.Index(
                fields=["received_at"],
                name="inbound_raw_kept",
                condition=models.Q(raw_deleted_at__isnull=True, status__in=RAW_SETTLED),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.status})"

    @property
    def needs_attention(self) -> bool:
        return self.status in RETRYABLE


class ImapCursor(models.Model):
    """How far `rapport fetch-imap` has read one IMAP folder, per UIDVALIDITY.

    A UID is only meaningful together with the folder's UIDVALIDITY; when the server changes it,
    a new row starts from zero and the folder is read again (copies become duplicates by
    Message-ID). `last_uid` advances in the same transaction that stores the message.
    """

    mailbox = models.CharField(max_length=300, help_text="user@host:port/folder, no password")
    uidvalidity = models.BigIntegerField()
    last_uid = models.BigIntegerField(default=0)
    fetched = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "uidvalidity"], name="imap_cursor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.mailbox} uidvalidity={self.uidvalidity} last_uid={self.last_uid}"


class AwaitedMessage(models.Model):
    """A Message-ID that mail on a case answers but that the desk has not received (yet): the
    parent of a reply that came first. When it arrives, it joins that case (JWZ threading lets a
    parent come after its replies); a later reply from the same customer to the same missing
    message joins it too (`rapport.mail.matching`)."""

    message_id = models.CharField(max_length=300)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="awaited_messages")
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        indexes = [models.Index(fields=["message_id"], name="awaited_message_id")]

    def __str__(self) -> str:
        return f"{self.message_id} (case #{self.case_id})"


class AgentMailStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class AgentMail(models.Model):
    """A mail of the desk's own, queued in the outbox and sent by the worker: to an agent
    (their notifications, an invitation), or, with no agent, to an address a chat visitor gave
    (their verification code). Status moves queued -> sending -> sent or failed (or back to
    queued to try again), each step a compare-and-set in `rapport.mail.actions.outbox`."""

    agent = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    to = models.CharField(max_length=320)
    subject = models.CharField(max_length=300)
    text = models.TextField()
    status = models.CharField(
        max_length=10, choices=AgentMailStatus.choices, default=AgentMailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # Queued: when the outbox sweep sends it if its job did not; sending: since when.
    next_attempt_at = models.DateTimeField()
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="agent_mail_due")]

    def __str__(self) -> str:
        return f"{self.subject} to {self.agent_id} ({self.status})"


class NoticeMailing(models.Model):
    """Where an agent's notification mail stands: the newest notification already considered
    (mailed, or passed over off shift) and when the last mail went, so notices are batched."""

    agent = models.OneToOneField(Agent, on_delete=models.CASCADE, related_name="+")
    last_notification_id = models.BigIntegerField(default=0)
    last_mailed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"notices of {self.agent_id} up to {self.last_notification_id}"
