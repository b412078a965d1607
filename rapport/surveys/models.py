"""Surveys: a CSAT after a case a person helped with, an NPS per relationship, and the one
contact-frequency policy that decides whether either may be sent (docs/customer-side.md).

A `Survey` row is written when it is decided (scheduled, or skipped with the reason); the
worker's sweep sends what is due, and only a POST from the public page records an answer.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.timezone import now

from rapport.care.models import Promise
from rapport.cases.models import Case, Message
from rapport.people.models import Agent, Customer


class SurveyKind(models.TextChoices):
    CSAT = "csat", "CSAT"
    NPS = "nps", "NPS"


class SurveyStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    SENT = "sent", "Sent"
    ANSWERED = "answered", "Answered"
    EXPIRED = "expired", "Expired"
    SKIPPED = "skipped", "Skipped"


SURVEY_TRANSITIONS: dict[str, frozenset[str]] = {
    SurveyStatus.SCHEDULED: frozenset({SurveyStatus.SENT, SurveyStatus.SKIPPED}),
    SurveyStatus.SENT: frozenset({SurveyStatus.ANSWERED, SurveyStatus.EXPIRED}),
    SurveyStatus.ANSWERED: frozenset(),
    SurveyStatus.EXPIRED: frozenset(),
    SurveyStatus.SKIPPED: frozenset(),
}


class SkipReason(models.TextChoices):
    NONE = "", "—"
    NO_HUMAN_HELP = "no_human_help", "No agent wrote or called"
    AUTO_RESOLVED = "auto_resolved", "Resolved automatically"
    MERGED = "merged", "Merged into another case"
    SPAM = "spam", "Spam"
    OUTBOUND_ONLY = "outbound_only", "We wrote first and the customer never answered"
    TOO_SHORT = "too_short", "Too short to ask about"
    NOT_SAMPLED = "not_sampled", "Not in the sample"
    OPTED_OUT = "opted_out", "The customer asked not to be surveyed"
    COOL_DOWN = "cool_down", "Contacted recently"
    UNREACHABLE = "unreachable", "No channel reaches the customer"
    REOPENED = "reopened", "The case was reopened"


# Bad CSAT and NPS detractors are called back; NPS promoters are thanked.
CSAT_SCALE = (1, 5)
NPS_SCALE = (0, 10)
CSAT_BAD = 2
NPS_DETRACTOR = 6
NPS_PROMOTER = 9


class Survey(models.Model):
    kind = models.CharField(max_length=4, choices=SurveyKind.choices)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="surveys")
    # The case it is about (CSAT) or is sent on (NPS: the customer's latest resolved case).
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="surveys")
    # The person it names: who helped (CSAT), the relationship owner (NPS).
    agent = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys"
    )
    status = models.CharField(
        max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.SCHEDULED
    )
    skip_reason = models.CharField(max_length=20, choices=SkipReason.choices, blank=True)
    due_at = models.DateTimeField(help_text="when the sweep sends it")
    channel = models.CharField(max_length=10, blank=True)
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    # CSAT: anything to add; NPS: the main reason.
    comment = models.TextField(blank=True, max_length=2000)
    # CSAT: "who should we thank?"; NPS: "how did you hear about us / who referred you?".
    thank = models.CharField(max_length=200, blank=True)
    heard_from = models.CharField(max_length=200, blank=True)
    follow_up_promise = models.ForeignKey(
        Promise, null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys"
    )
    thank_you = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_now_by = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(kind="csat"), name="survey_one_csat_per_case"
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(kind="nps", status="scheduled"),
                name="survey_one_nps_scheduled",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"], name="survey_send_due", condition=Q(status="scheduled")
            ),
            models.Index(
                fields=["expires_at"], name="survey_expire_due", condition=Q(status="sent")
            ),
            models.Index(fields=["customer", "kind", "-created_at"], name="survey_customer"),
            models.Index(fields=["agent", "kind", "status"], name="survey_agent"),
            # Insights: the surveys of a window (sent, or due when skipped), read from the
            # index alone; the plain columns too, as PostgreSQL reads an expression's from them.
            models.Index(
                Coalesce("sent_at", "due_at"),
                *(F(name) for name in ("sent_at", "due_at", "status", "kind", "score")),
                *(F(name) for name in ("answered_at", "follow_up_promise", "case")),
                name="survey_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def scale(self) -> tuple[int, int]:
        return CSAT_SCALE if self.kind == SurveyKind.CSAT else NPS_SCALE

    @property
    def needs_call(self) -> bool:
        if self.score is None:
            return False
        limit = CSAT_BAD if self.kind == SurveyKind.CSAT else NPS_DETRACTOR
        return self.score <= limit


class SurveyOptOut(models.Model):
    """The customer asked not to be surveyed again: honoured by every survey from then on."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="survey_opt_out"
    )
    survey = models.ForeignKey(Survey, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(default=now)
    via = models.CharField(max_length=40, help_text="the survey page, an agent, the API")

    def __str__(self) -> str:
        return f"Opt-out of {self.customer_id}"
