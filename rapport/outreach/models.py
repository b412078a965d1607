"""Making it right: make-goods for one customer, personal outreach when an incident hits many."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.timezone import now

from rapport.cases.models import Case
from rapport.people.models import Agent, Asset, Customer, Team

# --- make-goods -----------------------------------------------------------------------------


class MakeGoodKind(models.TextChoices):
    REPLACEMENT = "replacement", "Replacement shipped"
    PART_NEXT_DAY = "part_next_day", "Part sent next day"
    CREDIT = "credit", "Credit"
    REFUND = "refund", "Refund"
    GOODWILL = "goodwill", "Goodwill gesture"


class MakeGoodStatus(models.TextChoices):
    PENDING = "pending", "Pending approval"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


MAKE_GOOD_TRANSITIONS: dict[str, frozenset[str]] = {
    MakeGoodStatus.PENDING: frozenset({MakeGoodStatus.APPROVED, MakeGoodStatus.DECLINED}),
    MakeGoodStatus.APPROVED: frozenset(),
    MakeGoodStatus.DECLINED: frozenset(),
}


class MakeGood(models.Model):
    """What was done to make a service failure right, against a case, a customer, an order."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="make_goods")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="make_goods")
    asset = models.ForeignKey(
        Asset, null=True, blank=True, on_delete=models.SET_NULL, related_name="make_goods"
    )
    kind = models.CharField(max_length=20, choices=MakeGoodKind.choices)
    description = models.CharField(max_length=500)
    # Why it was needed ("missing part", "cancelled flight"): what supervisors total by.
    reason = models.CharField(max_length=100)
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3, blank=True)
    status = models.CharField(max_length=10, choices=MakeGoodStatus.choices)
    recorded_by = models.ForeignKey(
        Agent, null=True, on_delete=models.SET_NULL, related_name="make_goods_recorded"
    )
    approved_by = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="make_goods_decided"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="makegood_customer"),
            models.Index(fields=["case", "-created_at"], name="makegood_case"),
            models.Index(fields=["status", "created_at"], name="makegood_status"),
            models.Index(fields=["created_at"], name="makegood_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on case {self.case_id}"

    @property
    def has_amount(self) -> bool:
        return self.amount > 0


class ApprovalLimit(models.Model):
    """Up to how much an agent may give without a supervisor (per currency); no agent = desk
    default. Supervisors are never limited."""

    agent = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.CASCADE, related_name="approval_limits"
    )
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "currency"],
                condition=Q(agent__isnull=False),
                name="limit_one_per_agent_currency",
            ),
            models.UniqueConstraint(
                fields=["currency"], condition=Q(agent__isnull=True), name="limit_one_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id or 'default'}: {self.amount} {self.currency}"


# --- incident outreach ----------------------------------------------------------------------


class Severity(models.TextChoices):
    CRITICAL = "critical", "Critical"
    MAJOR = "major", "Major"
    MINOR = "minor", "Minor"


class IncidentStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Incident(models.Model):
    """Something that hit many customers at once; each of them gets a person who reaches out."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MAJOR)
    status = models.CharField(
        max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    # Who works the outreach; without a team, anyone on the desk may be given a task.
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents"
    )
    # The starting text each agent personalises, with {name}, {agent}, {reference}, {title}.
    message_draft = models.TextField()
    # [{"label", "tier", "tag" | "attribute" (+ "op", "value")}]: see rapport/outreach/rules.py.
    priority_rules: models.JSONField[list[dict[str, Any]]] = models.JSONField(
        default=list, blank=True
    )
    default_tier = models.PositiveSmallIntegerField(default=3)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    created_by = models.ForeignKey(Agent, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def tag(self) -> str:
        """The case tag of every outreach case, so search and the inbox find them."""
        return f"incident-{self.pk}"


class IncidentEventKind(models.TextChoices):
    """What happened to an incident: the `kind` of every `IncidentEvent`."""

    CREATED = "created", "Created"
    IMPORT_STARTED = "import_started", "Audience import started"
    IMPORT_DONE = "import_done", "Audience import finished"
    AUDIENCE_ADDED = "audience_added", "Customers added"
    CLOSED = "closed", "Closed"


class IncidentEvent(models.Model):
    """Audit row for an incident: created, customers added (and how they were selected), closed."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=40, choices=IncidentEventKind.choices)
    data: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} on incident {self.incident_id}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Importing"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class AudienceImport(models.Model):
    """An uploaded CSV of affected customers, stored raw first, imported by a worker."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(max_length=255, blank=True)
    content = models.TextField()
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    # [{"line": 7, "message": "..."}]: every bad row, by its line in the file.
    errors: models.JSONField[list[dict[str, Any]]] = models.JSONField(default=list, blank=True)
    failure = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(Agent, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=now)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Import {self.pk} for incident {self.incident_id}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class OutreachStatus(models.TextChoices):
    NOT_YET = "not_yet", "Not yet"
    ATTEMPTED = "attempted", "Attempted"
    REACHED = "reached", "Reached"
    FAILED = "failed", "Failed"


OUTREACH_TRANSITIONS: dict[str, frozenset[str]] = {
    OutreachStatus.NOT_YET: frozenset(
        {OutreachStatus.ATTEMPTED, OutreachStatus.REACHED, OutreachStatus.FAILED}
    ),
    OutreachStatus.ATTEMPTED: frozenset(
        {OutreachStatus.ATTEMPTED, OutreachStatus.REACHED, OutreachStatus.FAILED}
    ),
    # Someone we could not reach may still call back or answer later.
    OutreachStatus.FAILED: frozenset({OutreachStatus.ATTEMPTED, OutreachStatus.REACHED}),
    OutreachStatus.REACHED: frozenset({OutreachStatus.REACHED}),  # correcting the outcome
}


class OutreachOutcome(models.TextChoices):
    REBOOKED = "rebooked", "Rebooked"
    REFUNDED = "refunded", "Refunded"
    DECLINED = "declined", "Declined help"
    OTHER = "other", "Other"


class Contact(models.TextChoices):
    PHONE = "phone", "Call"
    MESSAGE = "message", "Write"


class OutreachTask(models.Model):
    """One customer hit by an incident, one named person reaching out to them."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="tasks")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="outreach_task")
    owner = models.ForeignKey(
        Agent, null=True, on_delete=models.SET_NULL, related_name="outreach_tasks"
    )
    # 1 = most affected, called first; the rules that put them there are the reasons.
    tier = models.PositiveSmallIntegerField(default=3)
    reasons: models.JSONField[list[str]] = models.JSONField(default=list, blank=True)
    contact = models.CharField(max_length=10, choices=Contact.choices)
    # How they were selected ("tag:au-482", "asset:AU 482", "csv line 12") and the CSV's extras.
    source = models.CharField(max_length=200, blank=True)
    details: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        max_length=10, choices=OutreachStatus.choices, default=OutreachStatus.NOT_YET
    )
    outcome = models.CharField(max_length=10, choices=OutreachOutcome.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    assignment_reason = models.CharField(max_length=300, blank=True)
    # Assigned beyond the owner's capacity because nobody had room (shown on the board).
    over_capacity = models.BooleanField(default=False)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    reached_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "customer"], name="outreach_one_each")
        ]
        indexes = [
            models.Index(fields=["incident", "status", "tier"], name="outreach_board"),
            models.Index(fields=["owner", "status", "tier"], name="outreach_mine"),
        ]

    def __str__(self) -> str:
        return f"Outreach to {self.customer_id} for incident {self.incident_id}"
