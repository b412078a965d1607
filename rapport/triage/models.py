"""What the desk teaches triage: agents' corrections, and the desk's own models trained on them."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.timezone import now

from rapport.cases.models import Case, Message
from rapport.people.models import Agent
from rapport.triage.explain import corrected_word


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

    @property
    def word(self) -> str:
        """The correction as the case page's button says it: "didn't ask for a person"."""
        return corrected_word(self.signal, self.value)


class TriageModel(models.Model):
    """A desk model trained by `rapport triage train`, stored here so that every web process and
    worker uses the same one. At most one is active; none active: the shipped model decides."""

    name = models.CharField(max_length=40, default="desk")
    version = models.CharField(max_length=80, unique=True)
    data = models.BinaryField()  # learned.Model.to_bytes(): npz arrays and JSON, no pickle
    # Cross-validated on the training data, and both models' scores on the frozen set.
    figures: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)
    trained_at = models.DateTimeField(default=now)
    trained_by = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrections = models.PositiveIntegerField(default=0)  # how many it learned from
    active = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="one_active_triage_model"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class MessageSignal(models.Model):
    """One signal triage raised on one customer message, with the kind of one of its reasons
    ("anger", "repeated contact", "learned"): written when the message is triaged, so insights
    count upset messages per week and the most common reasons in plain SQL (`Case.triage` keeps
    only the latest reading, and its reasons are free text inside JSON)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    signal = models.CharField(max_length=20, choices=TriageSignal.choices)
    kind = models.CharField(max_length=40)
    at = models.DateTimeField(help_text="when the message arrived")

    class Meta:
        indexes = [
            models.Index(fields=["signal", "at"], name="message_signal_at"),
            # Insights: every signal of a window, read from the index alone (sentiment).
            models.Index(
                fields=["at", "signal", "kind", "message", "case"], name="message_signal_window"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "signal", "kind"], name="message_signal_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.signal} ({self.kind}) on message {self.message_id}"
