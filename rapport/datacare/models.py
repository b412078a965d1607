"""Data care: who read what about a customer (the access log)."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from rapport.people.models import Agent, Customer


class AccessKind(models.TextChoices):
    CUSTOMER_PAGE = "customer_page", "Customer page"
    CUSTOMER_API = "customer_api", "Customer (API)"
    TIMELINE_API = "timeline_api", "Customer timeline (API)"
    RAW_MAIL = "raw_mail", "Original mail (.eml)"
    ATTACHMENT = "attachment", "Attachment"
    EXPORT = "export", "Export of everything held"


class Via(models.TextChoices):
    WEB = "web", "Web"
    API = "api", "API"
    CLI = "cli", "Command line"


class AccessLog(models.Model):
    """One read of customer data or raw mail: who, what, when. Written with one insert."""

    agent = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=20, choices=AccessKind.choices)
    via = models.CharField(max_length=4, choices=Via.choices)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The mail's number, kept after retention or erasure deleted the row itself.
    inbound_email_id = models.BigIntegerField(null=True, blank=True)
    at = models.DateTimeField(default=now)

    class Meta:
        indexes = [
            models.Index(fields=["-at"], name="access_recent"),
            models.Index(fields=["customer", "-at"], name="access_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.agent_id} at {self.at:%Y-%m-%d %H:%M}"
