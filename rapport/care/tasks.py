"""Thin jobs: the appointment invitation, sent like any reply but with the .ics attached."""

from __future__ import annotations

from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks import task

from rapport.care import ics
from rapport.care.models import Appointment
from rapport.cases.actions import mark_delivery
from rapport.cases.models import DeliveryStatus, Message
from rapport.people.models import IdentityKind


def calendar_part(text: str) -> MIMEText:
    """text/calendar; method=REQUEST, as calendar clients expect an invitation."""
    part = MIMEText(text, "calendar", "utf-8")
    part.set_param("method", "REQUEST")
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    return part


@task()
def deliver_invite(message_id: int) -> str:
    message = (
        Message.objects.select_related("case", "author__user", "customer")
        .filter(pk=message_id, delivery_status=DeliveryStatus.QUEUED)
        .first()
    )
    if message is None:  # already sent by an earlier run, or deleted
        return "skipped"
    appointment = (
        Appointment.objects.select_related("promise", "with_agent").filter(invite=message).first()
    )
    identity = (
        message.customer.identities.filter(kind=IdentityKind.EMAIL, undeliverable_reason="")
        .order_by("-is_primary", "pk")
        .first()
    )
    if identity is None or appointment is None:
        mark_delivery(
            message=message,
            status=DeliveryStatus.FAILED,
            error="The customer has no deliverable email address; call them with the details.",
        )
        return "failed"
    author = message.author
    author_name = author.display_name if author else settings.SITE_NAME
    promise = appointment.promise
    invite = ics.invitation(
        uid=appointment.uid,
        sequence=appointment.sequence,
        starts_at=promise.due_at,
        ends_at=appointment.ends_at,
        timezone=promise.timezone,
        summary=f"Appointment with {appointment.with_name}",
        location=appointment.location,
        description=promise.purpose,
        organizer_name=author_name,
        organizer_email=ics.organizer_email(author.user.email if author else ""),
        attendee_name=message.customer.name,
        attendee_email=identity.value,
        stamp=timezone.now(),
    )
    email = EmailMessage(
        subject=f"Appointment with {appointment.with_name} [#{message.case_id}]",
        body=message.text,
        from_email=f"{author_name} <{settings.DEFAULT_FROM_EMAIL}>",
        to=[identity.value],
        headers={"Auto-Submitted": "no"},
    )
    email.attach(calendar_part(invite))
    try:
        email.send()
    except OSError as exc:
        mark_delivery(message=message, status=DeliveryStatus.FAILED, error=str(exc))
        raise
    mark_delivery(message=message, status=DeliveryStatus.SENT)
    return "sent"
