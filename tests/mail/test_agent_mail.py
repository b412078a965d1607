"""Mail to agents through the outbox (`queue_agent_mail`), sent over real SMTP on loopback: the
job sends it once, a 4xx is tried again by the sweep with backoff, a 5xx fails it, a lost job or
a dead worker is made good by the sweep, and nothing claims "sent" that the server refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pytest_django.fixtures import Settings

from rapport.mail.actions.outbox import AGENT_MAIL_GRACE, queue_agent_mail
from rapport.mail.models import AgentMail, AgentMailStatus
from rapport.mail.outbound import OUTBOX_GRACE
from rapport.mail.to_agents import deliver, sweep_agent_mail
from rapport.people.models import Agent
from tests.conftest import World
from tests.mail.smtp_sink import Sink, free_port, sink

__all__ = ["sink"]  # the fixture, imported for pytest

NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)


def addressed(world: World) -> Agent:
    world.agent.user.email = "ana@clinic.example"
    world.agent.user.save(update_fields=["email"])
    return world.agent


def queued(world: World) -> AgentMail:
    mail = queue_agent_mail(agent=addressed(world), subject="2 notifications", text="Hi", now=NOW)
    assert mail is not None
    return mail


def test_the_job_sends_it_once_on_commit(
    world: World, sink: Sink, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        mail = queued(world)
    received = sink.only()
    assert received.rcpt_tos == ["ana@clinic.example"]
    assert received.message["Subject"] == "2 notifications"
    mail.refresh_from_db()
    assert mail.status == AgentMailStatus.SENT and mail.attempts == 1
    # What it said (customers' names, their words) is not kept once it went.
    assert (mail.subject, mail.text, mail.to) == ("", "", "ana@clinic.example")
    assert deliver(mail_id=mail.pk) == "skipped"  # never twice
    assert len(sink.received) == 1


def test_a_temporary_refusal_is_tried_again_later_then_sent(
    world: World, sink: Sink, settings: Settings
) -> None:
    settings.RAPPORT_EMAIL_RETRY_SECONDS = 60
    sink.data_answers = ["451 4.3.0 Try again later"]
    mail = queued(world)
    assert deliver(mail_id=mail.pk, now=NOW) == "retry"
    mail.refresh_from_db()
    assert mail.status == AgentMailStatus.QUEUED and "451" in mail.error
    assert mail.next_attempt_at == NOW + timedelta(seconds=60)
    assert sweep_agent_mail(now=NOW + timedelta(seconds=30))["sent"] == []
    assert sweep_agent_mail(now=NOW + timedelta(seconds=61))["sent"] == [mail.pk]
    mail.refresh_from_db()
    assert mail.status == AgentMailStatus.SENT and len(sink.received) == 1


def test_a_permanent_refusal_fails_it_with_the_servers_reason(world: World, sink: Sink) -> None:
    sink.rcpt_answers = {"ana@clinic.example": "550 5.1.1 No such mailbox"}
    mail = queued(world)
    assert deliver(mail_id=mail.pk, now=NOW) == "failed"
    mail.refresh_from_db()
    assert mail.status == AgentMailStatus.FAILED and "550 5.1.1 No such mailbox" in mail.error
    assert sweep_agent_mail(now=NOW + timedelta(days=1))["sent"] == []


def test_no_server_is_retried_then_failed_after_the_last_attempt(
    world: World, settings: Settings
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.RAPPORT_EMAIL_MAX_ATTEMPTS = 2
    mail = queued(world)
    assert deliver(mail_id=mail.pk, now=NOW) == "retry"
    assert sweep_agent_mail(now=NOW + timedelta(hours=1))["failed"] == [mail.pk]
    mail.refresh_from_db()
    assert mail.status == AgentMailStatus.FAILED and "after 2 attempts" in mail.error


def test_the_sweep_sends_a_mail_whose_job_was_lost(world: World, sink: Sink) -> None:
    mail = queued(world)  # its job runs on commit, which never comes here: as if lost
    assert sweep_agent_mail(now=NOW + timedelta(seconds=10))["sent"] == []
    assert sweep_agent_mail(now=NOW + AGENT_MAIL_GRACE)["sent"] == [mail.pk]
    assert sink.only().rcpt_tos == ["ana@clinic.example"]


def test_a_mail_left_sending_by_a_dead_worker_is_sent_again(world: World, sink: Sink) -> None:
    mail = queued(world)
    AgentMail.objects.filter(pk=mail.pk).update(
        status=AgentMailStatus.SENDING, next_attempt_at=NOW, attempts=1
    )
    assert sweep_agent_mail(now=NOW + timedelta(minutes=1))["sent"] == []
    assert sweep_agent_mail(now=NOW + OUTBOX_GRACE)["sent"] == [mail.pk]
    mail.refresh_from_db()
    assert mail.status == AgentMailStatus.SENT and mail.attempts == 2


def test_an_agent_without_an_address_gets_nothing_queued(world: World) -> None:
    assert queue_agent_mail(agent=world.colleague, subject="x", text="y", now=NOW) is None
    assert not AgentMail.objects.exists()


def test_a_mail_that_cannot_be_written_fails_instead_of_hanging(world: World, sink: Sink) -> None:
    mail = queue_agent_mail(agent=addressed(world), subject="one\ntwo", text="Hi", now=NOW)
    assert mail is not None
    assert deliver(mail_id=mail.pk, now=NOW) == "failed"
    mail.refresh_from_db()
    assert mail.status == AgentMailStatus.FAILED and "Could not be written" in mail.error
    assert sink.received == []
