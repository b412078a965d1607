"""Thin jobs: the appointment invitation, sent like any reply but with the .ics attached."""

from __future__ import annotations

from email.mime.text import MIMEText

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from rapport.care import ics
from rapport.care.models import Appointment
from rapport.cases.models import DeliveryStatus, Message
from rapport.mail import outbound


def calendar_part(text: str) -> MIMEText:
    """text/calendar; method=REQUEST, as calendar clients expect an invitation."""
    part = MIMEText(text, "calendar", "utf-8")
    part.set_param("method", "REQUEST")
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    return part


@task()
def deliver_invite(message_id: int, attempt: int = 1) -> str:
    """Send an appointment invitation as the outbox sends any reply: a stored Message-ID and
    threading headers (a reply to the invitation joins the case), claimed queued -> sending so
    two workers send it once, retried with backoff on a temporary failure."""
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
    recipient, refusal = outbound.choose_recipient(message)
    if recipient is None or appointment is None:
        why = refusal if appointment is not None else "The appointment no longer exists."
        outbound.settle_delivery(message=message, status=DeliveryStatus.FAILED, error=why)
        return "failed"
    mail = outbound.build_email(
        message, to=recipient, message_id_header=outbound.assign_message_id(message=message)
    )
    mail.subject = f"Appointment with {appointment.with_name} [#{message.case_id}]"
    mail.attach(calendar_part(_invitation(message, appointment, attendee_email=recipient)))
    if not outbound.claim_delivery(message=message):
        return "skipped"  # another worker claimed it (queued -> sending) a moment ago
    result = outbound.send_claimed(message, mail, to=recipient, attempt=attempt)
    if result.outcome == "retry" and result.retry_at is not None:
        retry = deliver_invite
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=result.retry_at)
        retry.enqueue(message_id, attempt + 1)
    return result.outcome


def _invitation(message: Message, appointment: Appointment, *, attendee_email: str) -> str:
    author = message.author
    author_name = author.display_name if author else settings.SITE_NAME
    promise = appointment.promise
    return ics.invitation(
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
        attendee_email=attendee_email,
        stamp=timezone.now(),
    )
