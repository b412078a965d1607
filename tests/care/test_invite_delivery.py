"""An appointment invitation goes through the outbox like any reply: claimed before it is sent
(two workers send it once), with a stored Message-ID a reply threads back to, and retried on a
temporary failure instead of being given up."""

from __future__ import annotations

import email
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from pytest_django.fixtures import Settings

from rapport.care.actions.appointments import book_appointment
from rapport.care.models import Appointment
from rapport.cases.models import DeliveryStatus, Message
from rapport.mail import outbound
from rapport.mail.actions import outbox
from rapport.mail.tasks import deliver_message
from tests.conftest import World
from tests.mail.intake_helpers import ingest, make_mail
from tests.mail.smtp_sink import Sink, sink

__all__ = ["sink"]  # the fixture, imported for pytest

OnCommit = Callable[..., Any]


@pytest.fixture(autouse=True)
def _files(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def booked(world: World, on_commit: OnCommit) -> Message:
    """An appointment booked on Maria's case; its invitation job is captured, not run."""
    with on_commit(execute=False):
        appointment = book_appointment(
            case=world.case,
            by=world.agent,
            starts_at=timezone.now() + timedelta(days=2),
            location="Night clinic, room 2",
            with_agent=world.colleague,
        )
    invite = Appointment.objects.select_related("invite").get(pk=appointment.pk).invite
    assert invite is not None and invite.delivery_status == DeliveryStatus.QUEUED
    return invite


def test_the_invitation_is_sent_once_with_a_message_id_a_reply_threads_to(
    world: World, sink: Sink, django_capture_on_commit_callbacks: OnCommit
) -> None:
    invite = booked(world, django_capture_on_commit_callbacks)

    assert deliver_message.call(invite.pk) == "sent"
    assert deliver_message.call(invite.pk) == "skipped"  # a second run of the job sends nothing
    received = sink.only().message
    invite.refresh_from_db()
    assert invite.delivery_status == DeliveryStatus.SENT
    assert received["Message-ID"] == invite.external_id
    assert f"[#{world.case.pk}]" in str(received["Subject"])
    assert any(part.get_content_type() == "text/calendar" for part in received.walk())

    answer = make_mail(
        subject=f"Re: {received['Subject']}",
        message_id="<answer@mail.example.com>",
        in_reply_to=str(received["Message-ID"]),
        body="Could we make it an hour later?",
    )
    result, _ = ingest(answer)
    assert (result.case_id, result.outcome) == (world.case.pk, "threaded")


def test_a_claimed_invitation_is_left_to_the_worker_that_claimed_it(
    world: World, sink: Sink, django_capture_on_commit_callbacks: OnCommit
) -> None:
    invite = booked(world, django_capture_on_commit_callbacks)
    assert outbox.claim_delivery(message=invite)  # another worker, mid-send

    assert deliver_message.call(invite.pk) == "skipped"
    assert sink.attempts == []


def test_a_temporary_failure_is_retried_not_given_up(
    world: World, sink: Sink, django_capture_on_commit_callbacks: OnCommit
) -> None:
    sink.data_answers = ["451 4.3.0 Try again later"]
    invite = booked(world, django_capture_on_commit_callbacks)

    # The first attempt says "retry"; the immediate backend of the tests runs that retry at once.
    assert deliver_message.call(invite.pk) == "retry"
    invite.refresh_from_db()
    assert invite.delivery_status == DeliveryStatus.SENT
    ids = [email.message_from_bytes(raw)["Message-ID"] for raw in sink.attempts]
    assert ids == [invite.external_id, invite.external_id]


def calendar_of(raw: bytes) -> bytes:
    [part] = [
        p for p in email.message_from_bytes(raw).walk() if p.get_content_type() == "text/calendar"
    ]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload


def test_a_retry_hours_later_sends_the_same_invitation(
    world: World, sink: Sink, settings: Settings, django_capture_on_commit_callbacks: OnCommit
) -> None:
    # The retry waits on the database queue, to be run by hand an hour later.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    sink.data_answers = ["451 4.3.0 Try again later"]
    booked_at = timezone.now()
    with time_machine.travel(booked_at, tick=False):
        invite = booked(world, django_capture_on_commit_callbacks)
    with time_machine.travel(booked_at + timedelta(minutes=1), tick=False):
        assert deliver_message.call(invite.pk) == "retry"
    with time_machine.travel(booked_at + timedelta(hours=1), tick=False):
        assert deliver_message.call(invite.pk, 2) == "sent"

    first, second = sink.attempts
    assert calendar_of(first) == calendar_of(second)
    assert b"BEGIN:VEVENT" in calendar_of(second)


def test_an_invitation_whose_job_was_lost_is_sent_by_the_outbox_sweep_with_its_ics(
    world: World, sink: Sink, django_capture_on_commit_callbacks: OnCommit
) -> None:
    invite = booked(world, django_capture_on_commit_callbacks)  # its job never runs

    late = timezone.now() + outbound.OUTBOX_GRACE + timedelta(minutes=1)
    assert outbound.sweep_outbox(now=late)["requeued"] == [invite.pk]
    received = sink.only()
    assert "Appointment with Dr. Ben Hale" in str(received.message["Subject"])
    assert b"BEGIN:VEVENT" in calendar_of(received.raw)
    invite.refresh_from_db()
    assert invite.delivery_status == DeliveryStatus.SENT
