"""Thin jobs: load by id, do the one thing, record the outcome."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import task

from rapport.cases.actions import mark_delivery
from rapport.cases.models import DeliveryStatus, Message
from rapport.people.models import Channel, IdentityKind


@task()
def deliver_message(message_id: int) -> str:
    message = (
        Message.objects.select_related("case", "author", "customer")
        .filter(pk=message_id, delivery_status=DeliveryStatus.QUEUED)
        .first()
    )
    if message is None:  # already delivered by an earlier run, or deleted
        return "skipped"
    if message.channel != Channel.EMAIL:
        # Chat and web replies are read by the customer in the portal; nothing to transmit.
        mark_delivery(message=message, status=DeliveryStatus.SENT)
        return "sent"
    identity = (
        message.customer.identities.filter(kind=IdentityKind.EMAIL, undeliverable_reason="")
        .order_by("-is_primary", "pk")
        .first()
    )
    if identity is None:
        mark_delivery(
            message=message,
            status=DeliveryStatus.FAILED,
            error="The customer has no deliverable email address; call them instead.",
        )
        return "failed"
    author = message.author.display_name if message.author else settings.SITE_NAME
    email = EmailMessage(
        subject=f"Re: {message.case.subject} [#{message.case_id}]",
        body=message.text,
        from_email=f"{author} <{settings.DEFAULT_FROM_EMAIL}>",
        to=[identity.value],
        headers={"Auto-Submitted": "no"},
    )
    try:
        email.send()
    except OSError as exc:
        mark_delivery(message=message, status=DeliveryStatus.FAILED, error=str(exc))
        raise
    mark_delivery(message=message, status=DeliveryStatus.SENT)
    return "sent"
