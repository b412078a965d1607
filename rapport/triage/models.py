"""What the desk teaches triage: agents' corrections, and the desk's own models trained on them."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from rapport.cases.models import Case, Message
from rapport.people.models import Agent


class TriageSignal(models.TextChoices):
    URGENT = "urgent", "Urgent"
    UPSET = "upset", "Upset"
    WANTS_HUMAN = "wants_human", "Wants a person"
    LOOP = "loop", "Going round in circles"
    COMPLIMENT = "compliment", "Compliment"


class TriageCorrection(models.Model):
    """An agent's word on one signal of the message triage read: `value` true is "was X",
    false "not X". One per agent, message and signal: a changed mind replaces the earlier one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="triage_corrections")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signal = models.CharField(max_length=20, choices=TriageSignal.choices)
    value = models.BooleanField()
    agent = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    # The model that decided what was corrected ("shipped" 3, "desk" 2; blank: before models).
    model_name = models.CharField(max_length=40, blank=True)
    model_version = models.CharField(max_length=80, blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "-created_at"], name="correction_case")]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "message", "signal", "agent"], name="correction_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.signal}={self.value} on case {self.case_id}"
