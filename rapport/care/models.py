"""Closing the loop: every promise made to a customer — a follow-up call, a callback, a warm
referral, an appointment — is one `Promise` row, tracked until it is kept.

The kind-specific details (a referral's brief, an appointment's place) live in one-to-one rows
beside it, so "every open promise" and "what is due now" are single indexed queries on one table.
"""

from __future__ import annotations

from datetime import time

from django.db import models
from django.db.models import Q
from django.utils.timezone import now

from rapport.cases.models import Case, Message
from rapport.people.models import Agent, Channel, Customer, Team, _validate_timezone


class PromiseKind(models.TextChoices):
    FOLLOW_UP = "follow_up", "Follow-up"
    CALLBACK = "callback", "Callback"
    REFERRAL = "referral", "Warm referral"
    APPOINTMENT = "appointment", "Appointment"


class PromiseStatus(models.TextChoices):
    OPEN = "open", "Open"
    KEPT = "kept", "Kept"
    MISSED = "missed", "Missed"
    CANCELLED = "cancelled", "Cancelled"


# A missed promise is escalated, never dropped: it can still be kept (late), rescheduled or
# cancelled with a reason. Kept and cancelled are final.
PROMISE_TRANSITIONS: dict[str, frozenset[str]] = {
    PromiseStatus.OPEN: frozenset(
        {PromiseStatus.KEPT, PromiseStatus.MISSED, PromiseStatus.CANCELLED}
    ),
    PromiseStatus.MISSED: frozenset(
        {PromiseStatus.KEPT, PromiseStatus.OPEN, PromiseStatus.CANCELLED}
    ),
    PromiseStatus.KEPT: frozenset(),
    PromiseStatus.CANCELLED: frozenset(),
}
UNKEPT = (PromiseStatus.OPEN, PromiseStatus.MISSED)


class Outcome(models.TextChoices):
    REACHED_FINE = "reached_fine", "Reached — all is well"
    REACHED_NEEDS_HELP = "reached_needs_help", "Reached — needs more help"
    VOICEMAIL = "voicemail", "Left a voicemail"
    NO_ANSWER = "no_answer", "No answer — try again"


class Promise(models.Model):
    """Something we told a customer we would do, owned by a named person, due at a moment."""

    kind = models.CharField(max_length=12, choices=PromiseKind.choices)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="promises")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="promises")
    owner = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="promises"
    )
    # Stored in UTC; entered and shown in `timezone` (the customer's, or the appointment's).
    due_at = models.DateTimeField()
    window_end = models.DateTimeField(null=True, blank=True, help_text="end of a callback window")
    timezone = models.CharField(max_length=64, default="UTC", validators=[_validate_timezone])
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PHONE)
    purpose = models.CharField(max_length=300)
    script = models.TextField(blank=True, max_length=2000)
    status = models.CharField(
        max_length=10, choices=PromiseStatus.choices, default=PromiseStatus.OPEN
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_notes = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    kept_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False)
    # The scheduler's marks, each claimed once with a compare-and-set update: when to remind the
    # owner (and whether done), and when an unkept promise counts as missed (and whether done).
    remind_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    miss_at = models.DateTimeField()
    # When the owner was told it is due in 30 minutes (`PROMISE_SOON`); cleared by a reschedule.
    warned_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    policy = models.ForeignKey(
        "FollowUpPolicy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    after = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        help_text="the appointment or referral this follows",
    )
    created_by = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        indexes = [
            # The scheduler's two sweeps and an agent's "calls due today".
            models.Index(
                fields=["remind_at"],
                name="promise_remind_due",
                condition=Q(status="open", reminded_at__isnull=True),
            ),
            models.Index(fields=["status", "miss_at"], name="promise_miss_due"),
            models.Index(
                fields=["due_at"],
                name="promise_warn_due",
                condition=Q(status="open", warned_at__isnull=True),
            ),
            models.Index(fields=["owner", "status", "due_at"], name="promise_owner_due"),
            models.Index(fields=["customer", "status", "due_at"], name="promise_customer"),
            models.Index(fields=["case", "status"], name="promise_case"),
            # Insights: the promises due in a window, read from the index alone.
            models.Index(
                fields=["due_at", "kind", "status", "late", "miss_at", "owner", "case"],
                name="promise_due_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.customer_id} due {self.due_at:%Y-%m-%d %H:%M}"


class FollowUpPolicy(models.Model):
    """ "Clinic visit → call the next day at 10:00, the customer's time": applied on resolution.

    Empty criteria match anything; every criterion that is set must match. The lowest `order`
    of the matching active policies wins, so a case gets one follow-up from policies.
    """

    class Signal(models.TextChoices):
        ANY = "", "Any"
        URGENT = "urgent", "Urgent"
        UPSET = "upset", "Upset"
        WANTS_HUMAN = "wants_human", "Wants a person"

    name = models.CharField(max_length=100, unique=True)
    active = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=100)
    tags = models.JSONField(default=list, blank=True, help_text="any of these tags")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE)
    priority = models.CharField(max_length=10, blank=True)
    triage_signal = models.CharField(max_length=20, choices=Signal.choices, blank=True)
    delay_days = models.PositiveSmallIntegerField(default=1)
    at_time = models.TimeField(default=time(10, 0), help_text="customer's local time")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PHONE)
    purpose = models.CharField(max_length=300)
    script = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name_plural = "follow-up policies"

    def __str__(self) -> str:
        return self.name

    def matches(self, case: Case) -> bool:
        if self.tags and not set(self.tags) & set(case.tags):
            return False
        if self.team_id is not None and self.team_id != case.team_id:
            return False
        if self.priority and self.priority != case.priority:
            return False
        return not self.triage_signal or bool((case.triage or {}).get(self.triage_signal))


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    SOON = "soon", "Within a day"
    URGENT = "urgent", "Urgent"


class ReferralState(models.TextChoices):
    SENT = "sent", "Waiting for the specialist"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    HANDED_BACK = "handed_back", "Handed back"
    WITHDRAWN = "withdrawn", "Withdrawn"


REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralState.SENT: frozenset({ReferralState.ACKNOWLEDGED, ReferralState.WITHDRAWN}),
    ReferralState.ACKNOWLEDGED: frozenset({ReferralState.HANDED_BACK, ReferralState.WITHDRAWN}),
    ReferralState.HANDED_BACK: frozenset(),
    ReferralState.WITHDRAWN: frozenset(),
}


class Referral(models.Model):
    """A warm handover to a specialist with a structured brief; its promise is the specialist's
    acknowledgement, owned by the referring agent until it comes."""

    promise = models.OneToOneField(Promise, on_delete=models.CASCADE, related_name="referral")
    to_agent = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals_received"
    )
    to_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals_received"
    )
    # An outside provider when neither agent nor team is set.
    provider_name = models.CharField(max_length=200, blank=True)
    provider_organization = models.CharField(max_length=200, blank=True)
    provider_phone = models.CharField(max_length=32, blank=True)
    provider_email = models.EmailField(blank=True)
    # The brief: what is happening, what was tried, what the customer needs, how urgent.
    situation = models.TextField(max_length=4000)
    tried = models.TextField(blank=True, max_length=4000)
    needs = models.TextField(max_length=4000)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.SOON)
    state = models.CharField(
        max_length=15, choices=ReferralState.choices, default=ReferralState.SENT
    )
    referred_by = models.ForeignKey(Agent, null=True, on_delete=models.SET_NULL, related_name="+")
    # The case goes back to this person when the specialist hands it back.
    return_to = models.ForeignKey(Agent, null=True, on_delete=models.SET_NULL, related_name="+")
    acknowledged_by = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    handed_back_at = models.DateTimeField(null=True, blank=True)
    handback_note = models.TextField(blank=True)
    introduction = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Referral to {self.specialist_name}"

    @property
    def specialist_name(self) -> str:
        if self.to_agent is not None:
            return self.to_agent.display_name
        if self.to_team is not None:
            return self.to_team.name
        org = f" ({self.provider_organization})" if self.provider_organization else ""
        return f"{self.provider_name}{org}"

    @property
    def is_external(self) -> bool:
        return self.to_agent_id is None and self.to_team_id is None


class Appointment(models.Model):
    """With whom, where and when (in whose time zone); its promise is the appointment itself."""

    promise = models.OneToOneField(Promise, on_delete=models.CASCADE, related_name="appointment")
    with_agent = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments"
    )
    with_name = models.CharField(max_length=200)
    location = models.CharField(max_length=300)
    ends_at = models.DateTimeField()
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments"
    )
    uid = models.CharField(max_length=200, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    invite = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Appointment with {self.with_name}"


class WordOfMouth(models.Model):
    """One person recommending us to another: "who referred you?" and "did you recommend us?".

    Either side is a customer on file or, when they are not (yet), a name in free text.
    """

    referrer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="recommended"
    )
    referrer_text = models.CharField(max_length=200, blank=True)
    referred = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="recommended_by"
    )
    referred_text = models.CharField(max_length=200, blank=True)
    on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(Agent, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(referrer__isnull=False) | ~Q(referrer_text=""))
                & (Q(referred__isnull=False) | ~Q(referred_text=""))
                & (Q(referrer__isnull=False) | Q(referred__isnull=False)),
                name="word_of_mouth_two_sides",
            )
        ]
        indexes = [
            models.Index(fields=["referrer", "-on"], name="wom_referrer"),
            models.Index(fields=["referred", "-on"], name="wom_referred"),
        ]
        verbose_name_plural = "word of mouth"

    def __str__(self) -> str:
        return f"{self.referrer_name} → {self.referred_name}"

    @property
    def referrer_name(self) -> str:
        return self.referrer.name if self.referrer else self.referrer_text

    @property
    def referred_name(self) -> str:
        return self.referred.name if self.referred else self.referred_text
