"""Acknowledgments over real SMTP: once per new case, only to a person, honest and personal."""

from __future__ import annotations

import email.utils
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from pytest_django.fixtures import Settings

from rapport.cases.models import Case, CaseEvent, DeliveryStatus, Direction, Message
from rapport.mail.actions.acknowledgments import acknowledgment_text, queue_acknowledgment
from rapport.mail.models import InboundEmail
from rapport.mail.outbound import OUTBOX_GRACE, sweep_outbox
from rapport.people.models import Agent
from tests.conftest import World
from tests.mail.intake_helpers import ingest, make_mail
from tests.mail.smtp_sink import Sink, sink

__all__ = ["sink"]

OnCommit = Callable[..., Any]
STRANGER = "Tom Reed <tom.reed@example.org>"


@pytest.fixture(autouse=True)
def _acknowledge(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.RAPPORT_EMAIL_ACKNOWLEDGE = True
    settings.RAPPORT_SUPPORT_PHONE = "+34 911 000 111"


def arrives(capture: OnCommit, **mail: Any) -> InboundEmail:
    with capture(execute=True):
        _, row = ingest(make_mail(**mail))
    return row


def test_a_new_case_from_a_person_is_acknowledged_once_by_name_with_the_phone_number(
    world: World, sink: Sink, django_capture_on_commit_callbacks: OnCommit
) -> None:
    row = arrives(
        django_capture_on_commit_callbacks,
        sender=STRANGER,
        subject="Broken latch on my cello case",
        message_id="<t1@example.org>",
    )
    assert row.outcome == "new_case" and row.case_id is not None
    case = Case.objects.select_related("owner").get(pk=row.case_id)
    sent = sink.only()
    assert sent.rcpt_tos == ["tom.reed@example.org"]
    mail = sent.message
    assert mail["Auto-Submitted"] == "auto-replied"
    assert mail["X-Auto-Response-Suppress"] == "All"
    assert mail["In-Reply-To"] == "<t1@example.org>"
    assert mail["Subject"] == f"Re: Broken latch on my cello case [#{case.pk}]"
    assert email.utils.parseaddr(mail["Reply-To"])[1] == f"support+{case.pk}@clinic.example"
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert text.startswith("Hello Tom,")
    owner = case.owner.display_name if case.owner else "Our team"
    assert f"{owner} has your message" in text
    assert "will answer" in text
    assert "call us on +34 911 000 111" in text
    assert f"case number is #{case.pk}" in text

    ack = Message.objects.get(case=case, direction=Direction.OUTBOUND)
    assert ack.author is None and ack.delivery_status == DeliveryStatus.SENT
    assert ack.external_id == mail["Message-ID"]
    assert CaseEvent.objects.filter(case=case, kind="acknowledged").count() == 1

    # Their next mail joins the case and gets no second acknowledgment; nor does asking again.
    follow_up = arrives(
        django_capture_on_commit_callbacks,
        sender=STRANGER,
        subject=f"Re: Broken latch on my cello case [#{case.pk}]",
        message_id="<t2@example.org>",
        in_reply_to="<t1@example.org>",
    )
    assert (follow_up.outcome, follow_up.case_id) == ("threaded", case.pk)
    assert queue_acknowledgment(case_id=case.pk) is None
    assert len(sink.received) == 1


def test_auto_replies_bounces_and_rejected_mail_are_never_acknowledged(
    world: World, sink: Sink, settings: Settings, django_capture_on_commit_callbacks: OnCommit
) -> None:
    auto = arrives(
        django_capture_on_commit_callbacks,
        sender="Out of Office <ooo@example.net>",
        subject="Automatic reply: Your appointment",
        message_id="<a1@example.net>",
        headers={"Auto-Submitted": "auto-replied"},
    )
    assert auto.outcome == "auto_reply"
    bounce = arrives(
        django_capture_on_commit_callbacks,
        sender="Mail Delivery System <MAILER-DAEMON@mx.example.com>",
        subject="Mail delivery failed: returning message to sender",
        message_id="<b1@mx.example.com>",
        headers={"X-Failed-Recipients": "maria.lopez@example.com"},
        body="This message was created automatically by mail delivery software.\n\n"
        "A message that you sent could not be delivered to one or more of its recipients.\n\n"
        "  maria.lopez@example.com\n    mailbox unavailable",
    )
    assert bounce.outcome == "bounce"
    settings.RAPPORT_INTAKE_RATE_LIMIT = 1
    for n in range(2):
        arrives(
            django_capture_on_commit_callbacks,
            sender="Flood <flood@example.net>",
            subject=f"Spam {n}",
            message_id=f"<f{n}@example.net>",
        )
    assert InboundEmail.objects.filter(outcome="rejected").count() == 1
    # The one flood mail that opened a case was from a person and is acknowledged; only it.
    assert [r.rcpt_tos for r in sink.received] == [["flood@example.net"]]


@pytest.mark.parametrize(
    "headers",
    [
        {"List-Id": "Cello makers <cello.lists.example.org>"},
        {"Precedence": "list", "List-Unsubscribe": "<mailto:leave@lists.example.org>"},
    ],
)
def test_mailing_list_mail_reaches_a_case_but_is_never_acknowledged(
    world: World,
    sink: Sink,
    django_capture_on_commit_callbacks: OnCommit,
    headers: dict[str, str],
) -> None:
    row = arrives(
        django_capture_on_commit_callbacks,
        sender="Ines Vidal <ines@example.org>",
        subject="Does anyone repair cello case latches?",
        message_id="<list1@example.org>",
        headers=headers,
    )
    assert row.outcome == "new_case" and row.case_id is not None
    message = Message.objects.get(case_id=row.case_id, direction=Direction.INBOUND)
    assert message.text == "She coughed all night again."  # make_mail's body: her words
    assert sink.received == []
    assert not Message.objects.filter(case_id=row.case_id, direction=Direction.OUTBOUND).exists()


def test_off_by_default(
    world: World, sink: Sink, settings: Settings, django_capture_on_commit_callbacks: OnCommit
) -> None:
    settings.RAPPORT_EMAIL_ACKNOWLEDGE = False
    row = arrives(django_capture_on_commit_callbacks, sender=STRANGER, message_id="<t9@x.org>")
    assert row.outcome == "new_case" and row.case_id is not None
    assert sink.received == []
    assert not Message.objects.filter(case_id=row.case_id, direction=Direction.OUTBOUND).exists()


def test_a_case_a_person_already_answered_is_not_acknowledged(
    world: World, sink: Sink, django_capture_on_commit_callbacks: OnCommit
) -> None:
    # A case opened by phone (world.case) has no email to acknowledge.
    assert queue_acknowledgment(case_id=world.case.pk) is None


def test_the_note_says_who_has_the_file_while_the_customers_own_person_is_away(
    world: World,
) -> None:
    now = timezone.now()
    Agent.objects.filter(pk=world.colleague.pk).update(away_until=now + timedelta(days=2))
    Case.objects.filter(pk=world.case.pk).update(
        owner=world.agent,
        return_to=world.colleague,
        pickup_at=now + timedelta(hours=1),
        first_response_due_at=now + timedelta(hours=4),
    )
    case = Case.objects.select_related("owner", "customer", "return_to").get(pk=world.case.pk)
    text = acknowledgment_text(case, now=now)
    assert "Hello Maria," in text
    assert "Dr. Ana Ortiz has your message and will answer by " in text
    assert "Dr. Ben Hale is off until" in text and "Dr. Ana Ortiz has your file." in text
    # The promise is the later moment, in the customer's own time zone (Europe/Madrid).
    due = (now + timedelta(hours=4)).astimezone(ZoneInfo("Europe/Madrid"))
    assert f"at {due:%H:%M} ({due.tzname()})" in text


def test_the_acknowledgment_is_written_with_the_case_and_survives_a_worker_dying_after_commit(
    world: World, sink: Sink
) -> None:
    # Processed, committed, and the worker dies before any on-commit job is queued: the
    # acknowledgment is already an outbox row, in the case's own transaction.
    _, row = ingest(make_mail(sender=STRANGER, subject="Hinge broke", message_id="<h1@x.org>"))
    assert row.case_id is not None
    ack = Message.objects.get(case_id=row.case_id, direction=Direction.OUTBOUND)
    assert (ack.author, ack.delivery_status) == (None, DeliveryStatus.QUEUED)
    assert CaseEvent.objects.filter(case_id=row.case_id, kind="acknowledged").count() == 1
    assert sink.received == []
    # The outbox sweep finds it once its job is overdue, and it goes out.
    later = timezone.now() + OUTBOX_GRACE + timedelta(seconds=1)
    assert sweep_outbox(now=later)["requeued"] == [ack.pk]
    assert [r.rcpt_tos for r in sink.received] == [["tom.reed@example.org"]]


def test_a_bot_that_changes_its_subject_gets_at_most_the_daily_cap_of_automatic_mail(
    world: World,
    sink: Sink,
    settings: Settings,
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    settings.RAPPORT_EMAIL_AUTOMATIC_PER_DAY = 3
    rows = [
        arrives(
            django_capture_on_commit_callbacks,
            sender="Ticket Bot <bot@vendor.example>",
            subject=f"Ticket {n} opened",
            message_id=f"<bot{n}@vendor.example>",
        )
        for n in range(5)
    ]
    assert [row.outcome for row in rows] == ["new_case"] * 5  # every mail still opens its case
    assert len(sink.received) == 3
    withheld = CaseEvent.objects.filter(kind="acknowledgment_withheld").order_by("pk")
    assert [event.case_id for event in withheld] == [rows[3].case_id, rows[4].case_id]
    assert "3 automatic mails went to this customer in the last 24 hours" in withheld[0].reason
    # A day later the cap starts again.
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        arrives(
            django_capture_on_commit_callbacks,
            sender="Ticket Bot <bot@vendor.example>",
            subject="Ticket 6 opened",
            message_id="<bot6@vendor.example>",
        )
    assert len(sink.received) == 4
