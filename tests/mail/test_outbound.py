"""Replies over real SMTP (an aiosmtpd sink on loopback): threading headers, a customer's answer
threading back through intake, retries on 4xx, failure on 5xx, bounced addresses refused."""

from __future__ import annotations

import email.utils
from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from rapport.cases.actions.messages import reply
from rapport.cases.models import Case, DeliveryStatus, Message
from rapport.lib.errors import ActionError
from rapport.mail.models import InboundStatus
from rapport.mail.tasks import deliver_message
from rapport.people.actions.identities import mark_identity_undeliverable
from rapport.people.models import Identity
from tests.conftest import World
from tests.mail.intake_helpers import ingest, make_mail
from tests.mail.smtp_sink import Sink, free_port, sink

__all__ = ["sink"]  # the fixture, imported for pytest

OnCommit = Callable[..., Any]


@pytest.fixture(autouse=True)
def _files(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def customer_writes(world: World, **mail: Any) -> Case:
    result, row = ingest(make_mail(**mail))
    assert row.status == InboundStatus.PROCESSED
    assert result.customer_id == world.customer.pk and result.case_id is not None
    return Case.objects.get(pk=result.case_id)


def send_reply(case: Case, world: World, capture: OnCommit, text: str = "Bring her in.") -> Message:
    with capture(execute=True):
        message = reply(case=case, text=text, by=world.agent)
    message.refresh_from_db()
    return message


def test_a_reply_carries_its_message_id_threading_headers_and_the_case_reply_to(
    world: World, sink: Sink, django_capture_on_commit_callbacks: OnCommit
) -> None:
    case = customer_writes(world, message_id="<m1@mail.example.com>")
    message = send_reply(case, world, django_capture_on_commit_callbacks)

    assert message.delivery_status == DeliveryStatus.SENT, message.delivery_error
    sent = sink.only()
    assert sent.rcpt_tos == ["maria.lopez@example.com"]
    mail = sent.message
    assert mail["Message-ID"] == message.external_id
    assert message.external_id.startswith("<") and message.external_id.endswith("@clinic.example>")
    assert mail["In-Reply-To"] == "<m1@mail.example.com>"
    assert mail["References"] == "<m1@mail.example.com>"
    assert email.utils.parseaddr(mail["Reply-To"])[1] == f"support+{case.pk}@clinic.example"
    assert mail["Subject"] == f"Re: Mila is still coughing [#{case.pk}]"
    assert email.utils.parseaddr(mail["From"]) == ("Dr. Ana Ortiz", "support@clinic.example")
    assert mail["Auto-Submitted"] == "no"
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None and "— Dr. Ana Ortiz" in body.get_content()

    # A second reply answers the same mail and carries the whole chain.
    second = send_reply(case, world, django_capture_on_commit_callbacks, "And bring her card.")
    later = sink.received[1].message
    assert later["In-Reply-To"] == "<m1@mail.example.com>"
    assert later["References"].split() == ["<m1@mail.example.com>", message.external_id]
    assert later["Message-ID"] == second.external_id != message.external_id
    assert later["Subject"] == mail["Subject"]  # no "Re: Re:", no second token


def test_the_customers_answer_to_a_reply_threads_back_into_the_same_case(
    world: World, sink: Sink, django_capture_on_commit_callbacks: OnCommit
) -> None:
    case = customer_writes(world)
    send_reply(case, world, django_capture_on_commit_callbacks)
    ours = sink.only().message

    # Their mail client answers ours: new subject line, our ids in the headers.
    answer = make_mail(
        to=str(ours["Reply-To"]),
        subject=f"RE: {ours['Subject']}",
        message_id="<m2@mail.example.com>",
        in_reply_to=str(ours["Message-ID"]),
        references=f"{ours['References']} {ours['Message-ID']}",
        body="Thanks, we will come at six.",
    )
    result, _ = ingest(answer)
    assert (result.case_id, result.outcome) == (case.pk, "threaded")
    assert result.reason.startswith("In-Reply-To")

    # A client that drops every reference still lands by the plus-addressed Reply-To.
    bare = make_mail(
        to=str(ours["Reply-To"]),
        subject="one more thing",
        message_id="<m3@mail.example.com>",
        body="She ate this morning.",
    )
    result, row = ingest(bare, envelope_to=[email.utils.parseaddr(str(ours["Reply-To"]))[1]])
    assert (result.case_id, result.outcome) == (case.pk, "threaded"), row.reason
    assert Case.objects.filter(customer=world.customer).count() == 2  # world.case + this one


def test_a_temporary_failure_is_retried_with_the_same_message_id(
    world: World, sink: Sink, django_capture_on_commit_callbacks: OnCommit
) -> None:
    sink.data_answers = ["451 4.3.0 Try again later"]
    case = customer_writes(world)
    message = send_reply(case, world, django_capture_on_commit_callbacks)

    assert message.delivery_status == DeliveryStatus.SENT
    assert message.delivery_error == ""
    assert len(sink.attempts) == 2
    ids = [email.message_from_bytes(raw)["Message-ID"] for raw in sink.attempts]
    assert ids == [message.external_id, message.external_id]
    sink.only()


@pytest.mark.django_db(transaction=True)
def test_a_retry_waits_with_backoff_on_the_database_queue(
    world: World, sink: Sink, settings: Settings
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.RAPPORT_SWEEP_SECONDS = 3600
    sink.data_answers = ["421 4.7.0 Too many connections, slow down"]
    case = customer_writes(world)
    message = reply(case=case, text="Bring her in.", by=world.agent)

    def work() -> None:
        call_command("worker", "--batch", stdout=StringIO(), stderr=StringIO())

    work()
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.QUEUED
    assert message.delivery_error.startswith("Attempt 1 of 5 failed (421 4.7.0 Too many")
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.args_kwargs["args"] == [message.pk, 2]
    assert waiting.run_after is not None
    assert waiting.run_after > timezone.now() + timedelta(seconds=50)
    work()  # not due yet: nothing is sent
    assert sink.received == []

    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=True):
        work()
    message.refresh_from_db()
    assert (message.delivery_status, message.delivery_error) == (DeliveryStatus.SENT, "")
    assert sink.only().message["Message-ID"] == message.external_id


def test_retries_end_in_failure_after_the_last_attempt(
    world: World, sink: Sink, settings: Settings, django_capture_on_commit_callbacks: OnCommit
) -> None:
    settings.RAPPORT_EMAIL_MAX_ATTEMPTS = 3
    sink.data_answers = ["451 4.3.0 Try again later"] * 5
    message = send_reply(customer_writes(world), world, django_capture_on_commit_callbacks)
    assert message.delivery_status == DeliveryStatus.FAILED
    assert message.delivery_error.startswith("Not delivered after 3 attempts: 451 4.3.0")
    assert message.delivery_error.endswith("call them instead (+34612345678)")
    assert len(sink.attempts) == 3 and sink.received == []


def test_no_connection_is_a_temporary_failure(
    world: World, settings: Settings, django_capture_on_commit_callbacks: OnCommit
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.RAPPORT_EMAIL_MAX_ATTEMPTS = 1
    message = send_reply(customer_writes(world), world, django_capture_on_commit_callbacks)
    assert message.delivery_status == DeliveryStatus.FAILED
    assert "Not delivered after 1 attempts: ConnectionRefusedError" in message.delivery_error


@pytest.mark.parametrize(
    ("stage", "answer"),
    [("rcpt", "550 5.1.1 No such user here"), ("data", "554 5.7.1 Rejected as spam")],
)
def test_a_permanent_refusal_fails_at_once_with_the_servers_reason(
    world: World,
    sink: Sink,
    django_capture_on_commit_callbacks: OnCommit,
    stage: str,
    answer: str,
) -> None:
    if stage == "rcpt":
        sink.rcpt_answers["maria.lopez@example.com"] = answer
    else:
        sink.data_answers = [answer]
    message = send_reply(customer_writes(world), world, django_capture_on_commit_callbacks)
    assert message.delivery_status == DeliveryStatus.FAILED
    assert message.delivery_error.startswith(f"Refused by the mail server: {answer}")
    assert len(sink.attempts) == (1 if stage == "data" else 0)
    assert sink.received == []


def test_a_bounced_address_is_never_written_to(
    world: World, sink: Sink, django_capture_on_commit_callbacks: OnCommit
) -> None:
    case = customer_writes(world)
    identity = Identity.objects.get(customer=world.customer, kind="email")
    message = send_reply(case, world, django_capture_on_commit_callbacks)
    mark_identity_undeliverable(identity=identity, reason="Bounced: 5.1.1 user unknown")
    # A reply queued before the bounce was known fails with the reason, on the timeline.
    Message.objects.filter(pk=message.pk).update(delivery_status=DeliveryStatus.QUEUED)
    deliver_message.call(message.pk, 2)
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.FAILED
    assert message.delivery_error == (
        "Not sent: address bounced: maria.lopez@example.com (Bounced: 5.1.1 user unknown)"
        " — call them instead (+34612345678)"
    )
    assert len(sink.attempts) == 1  # the first reply only
    page = world.client_for(world.agent).get(f"/cases/{case.pk}/")
    assert "address bounced: maria.lopez@example.com" in page.content.decode()
    # A new reply is refused at once, saying why and what to do instead: nothing is queued.
    with pytest.raises(
        ActionError, match=r"maria.lopez@example.com is undeliverable .*Call them on \+34612345678"
    ):
        reply(case=case, text="Are you there?", by=world.agent)
    assert not Message.objects.filter(text__startswith="Are you there?").exists()


def test_a_message_that_is_not_queued_is_never_sent_again(
    world: World, sink: Sink, django_capture_on_commit_callbacks: OnCommit
) -> None:
    message = send_reply(customer_writes(world), world, django_capture_on_commit_callbacks)
    assert message.delivery_status == DeliveryStatus.SENT
    assert deliver_message.call(message.pk) == "skipped"
    assert deliver_message.call(message.pk, 2) == "skipped"
    assert len(sink.attempts) == 1
