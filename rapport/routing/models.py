"""Operator-defined service levels and closures; routing decisions themselves are computed."""

from __future__ import annotations

from django.db import models

from rapport.people.models import Channel, Site


class SlaPolicy(models.Model):
    """How soon a person must answer, per priority and (optionally) channel."""

    class Priority(models.TextChoices):
        URGENT = "urgent", "Urgent"
        HIGH = "high", "High"
        NORMAL = "normal", "Normal"
        LOW = "low", "Low"

    priority = models.CharField(max_length=10, choices=Priority.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    first_response_minutes = models.PositiveIntegerField()
    next_response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()
    business_hours = models.BooleanField(
        default=True, help_text="Count only the serving site's working hours"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["priority", "channel"], name="sla_one_per_pair")
        ]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"

    def __str__(self) -> str:
        return f"{self.priority} {self.channel or 'any channel'}"


class Closure(models.Model):
    """A day a site is closed beyond its public holidays (inventory, a storm, a party)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="closures")
    day = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "day"], name="closure_one_per_day")]

    def __str__(self) -> str:
        return f"{self.site} closed {self.day}"
