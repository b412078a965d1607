"""A case is one need of one customer; messages, calls and events make its timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.timezone import now

from rapport.people.models import Agent, Brand, Channel, Customer, Team


class Status(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    WAITING_CUSTOMER = "waiting_customer", "Waiting on customer"
    WAITING_US = "waiting_us", "Waiting on us"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


# The only status changes an action will make; anything else is refused with a clear message.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {Status.OPEN, Status.WAITING_CUSTOMER, Status.WAITING_US, Status.RESOLVED, Status.CLOSED}
    ),
    Status.OPEN: frozenset(
        {Status.WAITING_CUSTOMER, Status.WAITING_US, Status.RESOLVED, Status.CLOSED}
    ),
    Status.WAITING_CUSTOMER: frozenset(
        {Status.OPEN, Status.WAITING_US, Status.RESOLVED, Status.CLOSED}
    ),
    Status.WAITING_US: frozenset(
        {Status.OPEN, Status.WAITING_CUSTOMER, Status.RESOLVED, Status.CLOSED}
    ),
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}
ACTIVE_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING_CUSTOMER, Status.WAITING_US)


class Priority(models.TextChoices):
    URGENT = "urgent", "Urgent"
    HIGH = "high", "High"
    NORMAL = "normal", "Normal"
    LOW = "low", "Low"


PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}

# Urgent and still to be done: every list of cases reads these first (rapport/cases/queue.py),
# from their own small index (`case_pinned`).
PINNED = Q(priority=Priority.URGENT, status__in=ACTIVE_STATUSES)


class Initiative(models.TextChoices):
    """Who started the conversation: the customer reaching us, or the desk reaching out
    (incident outreach, a call we place). Time to a human is a promise about the first."""

    CUSTOMER = "customer", "The customer"
    DESK = "desk", "The desk"


# What time to a human reads of the cases opened in a window (the insights indexes below).
WINDOW_FIELDS = [
    "created_at",
    "initiative",
    "origin_channel",
    "priority",
    "first_response_at",
    "first_response_due_at",
    "first_wait",
    "id",  # PostgreSQL counts and orders by id: without it, no index-only scan
]


class Case(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="cases")
    subject = models.CharField(max_length=300)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    owner = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_cases"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    # The business the case belongs to; it never leaves it (routing stays inside).
    brand = models.ForeignKey(
        Brand, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    origin_channel = models.CharField(max_length=10, choices=Channel.choices)
    initiative = models.CharField(
        max_length=10, choices=Initiative.choices, default=Initiative.CUSTOMER
    )
    tags = models.JSONField(default=list, blank=True)
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    next_response_due_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    # The wait for that first human response, first_response_at - created_at, always written
    # with it (`first_response`): insights count and rank waits on this column in SQL (SQLite
    # stores it as integer microseconds; computing the difference per row there called a
    # Python function for every case, docs/insights.md).
    first_wait = models.DurationField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    last_message_preview = models.CharField(max_length=200, blank=True)
    # What triage read in the customer's words, with the reasons shown to the agent.
    triage: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    priority_overridden = models.BooleanField(default=False)
    # When a person will actually pick the case up (now, or the next shift when nobody is on).
    pickup_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    # The SLA clock pauses while we wait on the customer.
    sla_paused_at = models.DateTimeField(null=True, blank=True)
    # Escalation steps already taken for the current deadline, so each happens once.
    sla_warned_at = models.DateTimeField(null=True, blank=True)
    sla_breached_at = models.DateTimeField(null=True, blank=True)
    # The relationship owner to hand the case back to when they return from absence.
    return_to = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        indexes = [
            models.Index(fields=["first_response_due_at"], name="case_first_due"),
            models.Index(fields=["owner", "status", "-updated_at"], name="case_owner_inbox"),
            models.Index(fields=["team", "status", "-updated_at"], name="case_team_inbox"),
            models.Index(fields=["status", "-updated_at"], name="case_status_inbox"),
            models.Index(fields=["-updated_at"], name="case_recent"),
            models.Index(fields=["next_response_due_at"], name="case_next_due"),
            models.Index(fields=["customer", "-updated_at"], name="case_customer"),
            # Only the urgent cases still to be done: a few hundred on a 100k-case desk.
            models.Index(
                fields=["priority", "status", "-updated_at"], condition=PINNED, name="case_pinned"
            ),
            # Insights (docs/insights.md, bench/insights.py at 1M cases): the cases opened in a
            # window with all that time to a human reads, so a year is read from the index alone
            # (on SQLite a bare created_at index made a year 4x slower than scanning the table:
            # a row lookup per case); and the work still to do, a few per cent of the desk,
            # which the supervisor page counts (per owner, outbound, unanswered) on every load.
            # With id in both, PostgreSQL reads them index-only (a vacuumed desk): one week's
            # cases per day 378 -> 26 ms, the live counts 391 -> 12 ms (1M cases).
            models.Index(fields=WINDOW_FIELDS, name="case_window"),
            # The same per owner, for a window filtered by agent or site (the owners of a
            # site): case_window has no owner, so SQLite read the whole desk's year from it and
            # looked up each case's row for its owner (a site's year: five queries of 4-5 s).
            models.Index(fields=["owner", *WINDOW_FIELDS], name="case_owner_window"),
            models.Index(
                fields=[
                    "initiative",
                    "first_response_at",
                    "owner",
                    "next_response_due_at",
                    "created_at",
                    "id",
                ],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="case_active",
            ),
            # Insights: cases resolved in a window and their owners (personal touch): one week
            # 513 ms of scanning -> 3 ms on PostgreSQL at 1M cases.
            models.Index(fields=["resolved_at", "owner", "id"], name="case_resolved"),
            # Insights' kept days (rapport/insights/rollups.py): the cases first answered since
            # the last sweeps, to find the settled days whose waits changed (a few a day read).
            models.Index(fields=["first_response_at", "created_at"], name="case_first_response"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def reference(self) -> str:
        return f"#{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def allowed_statuses(self) -> list[tuple[str, str]]:
        allowed = TRANSITIONS[self.status]
        return [(value, label) for value, label in Status.choices if value in allowed]


def first_response(case: Case, at: datetime | None) -> dict[str, Any]:
    """The fields that record the case's first human response at `at` (None: not answered yet):
    the moment and the wait since the case arrived, never one without the other."""
    return {"first_response_at": at, "first_wait": None if at is None else at - case.created_at}


class SavedReply(models.Model):
    """A starting point for a reply, shared by a business (brand) and a team; null means all.
    Its text may hold the placeholders in `rapport.cases.saved_replies.PLACEHOLDERS`."""

    title = models.CharField(max_length=200)
    text = models.TextField()
    brand = models.ForeignKey(
        Brand, null=True, blank=True, on_delete=models.CASCADE, related_name="saved_replies"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="saved_replies"
    )
    created_by = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class Direction(models.TextChoices):
    INBOUND = "in", "From customer"
    OUTBOUND = "out", "To customer"
    NOTE = "note", "Internal note"


class DeliveryStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    # Recorded on the case but carried by nothing (a channel with no transport): never "Sent".
    NOT_SENT = "not_sent", "Logged, not sent"
    NOT_APPLICABLE = "n/a", "Not applicable"
    # A chat reply: stored in the customer's conversation (their client fetches it), then
    # seen there. Never "Sent": nothing left for an inbox.
    DELIVERED = "delivered", "Delivered to the chat"
    READ = "read", "Read in the chat"


class Message(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    # Denormalised so a customer's whole timeline is one indexed query.
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="messages")
    direction = models.CharField(max_length=4, choices=Direction.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    author = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    text = models.TextField()
    html = models.TextField(blank=True, help_text="sanitised on the way in")
    # An outbound email's own subject ("Appointment with Dr. Lee"); blank: the case's ("Re: ...").
    subject = models.CharField(max_length=300, blank=True)
    # The channel's own id ("<id@host>" for email); NULL where there is none, so the partial
    # index holds only real ids and stays selective on a desk that has little email.
    external_id = models.CharField(max_length=300, null=True, blank=True)  # noqa: DJ001
    delivery_status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.NOT_APPLICABLE
    )
    delivery_error = models.CharField(max_length=500, blank=True)
    # Queued: when the next attempt is due. Sending: when the attempt in flight began. The outbox
    # sweep finds a lost job or a worker killed mid-send by it.
    next_attempt_at = models.DateTimeField(default=now)
    delivery_attempts = models.PositiveSmallIntegerField(default=0)
    # The saved reply the agent started from, and whether it went out word for word (null: not
    # started from one), so insights can count replies sent unchanged.
    saved_reply = models.ForeignKey(
        SavedReply, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_unchanged = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="message_customer_timeline"),
            models.Index(fields=["case", "-created_at"], name="message_case_timeline"),
            # A case's messages one way since a moment (when the customer began waiting: the
            # queue and the inbox's "waiting longest"): without it SQLite read every inbound
            # message since that moment through message_window, for each waiting case.
            models.Index(fields=["case", "direction", "created_at"], name="message_case_direction"),
            models.Index(
                fields=["external_id"],
                name="message_external_id",
                condition=models.Q(external_id__isnull=False),
            ),
            models.Index(fields=["delivery_status", "next_attempt_at"], name="message_outbox"),
            # Insights: replies (or inbound messages) in a window with who wrote them and how,
            # read from the index alone, a year included (docs/insights.md).
            models.Index(
                fields=[
                    "direction",
                    "created_at",
                    "author",
                    "sent_unchanged",
                    "saved_reply",
                    "channel",
                    "case",
                ],
                name="message_window",
            ),
            # Insights: the replies started from a saved reply in a window (a fifth of the
            # replies on the bench desk; one whose saved reply was deleted included), per saved
            # reply, without reading the others.
            models.Index(
                fields=["direction", "created_at", "author", "sent_unchanged", "saved_reply"],
                name="message_started_window",
                condition=models.Q(sent_unchanged__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} on case {self.case_id}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, default="application/octet-stream")
    size = models.PositiveIntegerField(default=0)
    content_id = models.CharField(max_length=255, blank=True, help_text="cid: of inline images")

    def __str__(self) -> str:
        return self.filename


class CallDirection(models.TextChoices):
    OUTBOUND = "outbound", "We called"
    INBOUND = "inbound", "They called"


class CallOutcome(models.TextChoices):
    REACHED = "reached", "Reached"
    VOICEMAIL = "voicemail", "Left voicemail"
    NO_ANSWER = "no_answer", "No answer"
    BUSY = "busy", "Busy"
    WRONG_NUMBER = "wrong_number", "Wrong number"


class Call(models.Model):
    """A phone call, first-class on the timeline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="calls")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="calls")
    agent = models.ForeignKey(Agent, null=True, on_delete=models.SET_NULL, related_name="calls")
    direction = models.CharField(max_length=10, choices=CallDirection.choices)
    phone = models.CharField(max_length=32, blank=True)
    started_at = models.DateTimeField(default=now)
    duration_seconds = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=20, choices=CallOutcome.choices)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        indexes = [
            models.Index(fields=["customer", "-started_at"], name="call_customer_timeline"),
        ]

    def __str__(self) -> str:
        return f"Call {self.get_direction_display()} on case {self.case_id}"

    @property
    def duration_display(self) -> str:
        minutes, seconds = divmod(self.duration_seconds, 60)
        return f"{minutes}:{seconds:02d}"


class CaseEventKind(models.TextChoices):
    """Every kind of change a case's audit trail records (`record_case_event`), by the app that
    writes it. The values are stored and are the API's event kinds: never rename one."""

    # cases
    OPENED = "opened", "Case opened"
    STATUS = "status", "Status changed"
    PRIORITY = "priority", "Priority changed"
    ASSIGNED = "assigned", "Owner changed"
    TAGS = "tags", "Tags changed"
    REPLIED = "replied", "Replied"
    NOTE = "note", "Note added"
    CALL = "call", "Call logged"
    SPLIT = "split", "Message split into a new case"
    MERGED = "merged", "Case merged into this one"
    MERGED_INTO = "merged_into", "Merged into another case"
    # routing: response deadlines
    SLA_AT_RISK = "sla_at_risk", "Response deadline at risk"
    SLA_BREACHED = "sla_breached", "Response deadline missed"
    # mail: acknowledgments
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ACKNOWLEDGMENT_WITHHELD = "acknowledgment_withheld", "Acknowledgment withheld"
    # care: promises
    FOLLOW_UP_SCHEDULED = "follow_up_scheduled", "Follow-up scheduled"
    CALLBACK_BOOKED = "callback_booked", "Callback booked"
    REFERRED = "referred", "Referred"
    REFERRAL_ACKNOWLEDGED = "referral_acknowledged", "Referral acknowledged"
    REFERRAL_HANDED_BACK = "referral_handed_back", "Referral handed back"
    REFERRAL_INTRODUCED = "referral_introduced", "Referral introduced"
    APPOINTMENT_BOOKED = "appointment_booked", "Appointment booked"
    PROMISE_KEPT = "promise_kept", "Promise kept"
    PROMISE_RESCHEDULED = "promise_rescheduled", "Promise rescheduled"
    PROMISE_CANCELLED = "promise_cancelled", "Promise cancelled"
    PROMISE_REMINDED = "promise_reminded", "Promise reminded"
    PROMISE_MISSED = "promise_missed", "Promise missed"
    PROMISE_HANDED_OVER = "promise_handed_over", "Promise handed over"
    # outreach
    OUTREACH = "outreach", "Outreach attempt"
    MAKE_GOOD = "make_good", "Make-good recorded"
    MAKE_GOOD_APPROVED = "make_good_approved", "Make-good approved"
    MAKE_GOOD_DECLINED = "make_good_declined", "Make-good declined"
    # triage: an agent's word on a signal
    TRIAGE_CORRECTED = "triage_corrected", "Triage corrected"
    # chat: replies the customer had not seen, put in an email to them
    CHAT_EMAILED = "chat_emailed", "Unseen chat replies queued by email"
    # chat: a visitor proving the email they gave
    CHAT_CODE_SENT = "chat_code_sent", "Email code sent to the chat visitor"
    CHAT_VERIFIED = "chat_verified", "Chat visitor verified by email code"
    CHAT_CODE_LOCKED = "chat_code_locked", "Chat email code locked after wrong tries"
    # the customer's status link (portal)
    STATUS_LINK_REVOKED = "status_link_revoked", "Status link revoked"
    STATUS_LINK_SENT = "status_link_sent", "Fresh status link sent"
    # surveys
    SURVEY_SENT = "survey_sent", "Survey sent"
    SURVEY_SKIPPED = "survey_skipped", "Survey skipped"
    SURVEY_ANSWERED = "survey_answered", "Survey answered"
    # chat: what the customer was told and chose when nobody could answer
    CHAT_NOBODY_FREE = "chat_nobody_free", "Chat: told nobody can answer now"
    CHAT_BY_EMAIL = "chat_by_email", "Chat: continue by email asked"
    CHAT_EMAIL_CONFIRMED = "chat_email_confirmed", "Chat: email address confirmed"
    # social: what a person did about a public post (answered it there, moved it, called)
    SOCIAL_RESPONSE = "social_response", "Social: response recorded"
    # social: the customer's account posted under a new handle
    SOCIAL_HANDLE = "handle_changed", "Social: handle changed"


class NotificationKind(models.TextChoices):
    """Every kind of thing an agent is told (`notify_agent`), by the app that tells it."""

    # cases
    HANDOVER = "handover", "Case handed to you"
    MERGE_SUGGESTION = "merge_suggestion", "Possible duplicate customer"
    CUSTOMER_CASE = "customer_case", "Your customer has a new case"
    NEW_CASE = "new_case", "New case for you"
    # mail
    BOUNCE = "bounce", "Reply bounced"
    # routing: a customer's message on a case
    CUSTOMER_WROTE = "customer_wrote", "The customer wrote"
    # routing: response deadlines
    SLA_AT_RISK = "sla_at_risk", "Response deadline at risk"
    SLA_OFFER = "sla_offer", "Can you take this case?"
    SLA_BREACHED = "sla_breached", "Response deadline missed"
    # care: promises
    CALLBACK_BOOKED = "callback_booked", "Callback booked"
    REFERRAL = "referral", "Referral for you"
    REFERRAL_ACKNOWLEDGED = "referral_acknowledged", "Referral acknowledged"
    REFERRAL_HANDED_BACK = "referral_handed_back", "Referral handed back"
    APPOINTMENT_BOOKED = "appointment_booked", "Appointment booked"
    FOLLOW_UP_DUE = "follow_up_due", "Follow-up due"
    CALLBACK_DUE = "callback_due", "Callback due"
    REFERRAL_DUE = "referral_due", "Referral due"
    APPOINTMENT_DUE = "appointment_due", "Appointment due"
    PROMISE_MISSED = "promise_missed", "Promise missed"
    PROMISE_SOON = "promise_soon", "Promise due in 30 minutes"
    PROMISE_HANDED_OVER = "promise_handed_over", "A promise handed to you"
    # outreach
    OUTREACH = "outreach", "Customers to reach"
    MAKE_GOOD_APPROVAL = "make_good_approval", "Make-good to approve"
    MAKE_GOOD_APPROVED = "make_good_approved", "Make-good approved"
    MAKE_GOOD_DECLINED = "make_good_declined", "Make-good declined"
    # surveys
    SURVEY_PRAISE = "survey_praise", "A customer thanked you"


class CaseEvent(models.Model):
    """Audit row for every change to a case: who, what, when, before and after."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=40, choices=CaseEventKind.choices)
    before: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    after: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        indexes = [
            models.Index(fields=["case", "-created_at"], name="event_case_timeline"),
            # Insights: events of one kind in a window (deadlines missed, hand-overs).
            models.Index(fields=["kind", "created_at"], name="event_kind_at"),
            # Insights: the hand-overs of a set of cases (personal touch), probed per case.
            models.Index(fields=["case", "kind"], name="event_case_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on case {self.case_id}"


class Notification(models.Model):
    """Something an agent must know now: a deadline at risk, a case handed to them."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["agent", "read_at", "-created_at"], name="notify_inbox")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.agent_id}"


class Presence(models.Model):
    """Who is looking at (or writing on) a case right now, for collision warnings."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="presences")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="+")
    is_typing = models.BooleanField(default=False)
    seen_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "agent"], name="presence_one_per_agent")
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} on {self.case_id}"


class SavedView(models.Model):
    """An agent's own named inbox: a filter and an order to pick again ("Urgent, oldest first").

    `filters` holds the inbox's query parameters (view, q, status, priority, channel, owner,
    team, sort), checked by `rapport/cases/actions/saved_views.py` when saved."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(max_length=80)
    filters: models.JSONField[dict[str, str]] = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "name"], name="saved_view_name_per_agent")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agent_id})"


class StatusLinkKey(models.Model):
    """Which of a case's status links still work (`rapport/cases/status_links.py`): a link
    carries the generation it was made in, and revoking moves the generation on, so every
    link made before stops working at once. A case without a row is in generation 0."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, primary_key=True, related_name="status_link_key"
    )
    generation = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Status links of case {self.case_id}: generation {self.generation}"
