"""The outbox: a reply is claimed (queued -> sending) before it is sent, so two workers never
both send it, and the "outbox" sweep re-queues what a killed worker lost."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from rapport.cases.actions.messages import reply
from rapport.cases.models import Case, DeliveryStatus, Message
from rapport.jobs.scheduler import run_sweeps
from rapport.mail import outbound
from rapport.mail.actions import outbox
from rapport.mail.models import InboundStatus
from rapport.mail.tasks import deliver_message
from tests.conftest import World
from tests.mail.intake_helpers import ingest, make_mail
from tests.mail.smtp_sink import Sink, sink
from tests.threads import at_once

__all__ = ["sink"]  # the fixture, imported for pytest

OnCommit = Callable[..., Any]


@pytest.fixture(autouse=True)
def _files(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def customer_writes(world: World) -> Case:
    result, row = ingest(make_mail())
    assert row.status == InboundStatus.PROCESSED and result.case_id is not None
    return Case.objects.get(pk=result.case_id)


def queued_reply(world: World) -> Message:
    """A reply whose delivery job was lost: it waits queued and nobody runs it."""
    case = customer_writes(world)
    message = reply(case=case, text="Bring her in.", by=world.agent)  # no on_commit callbacks run
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.QUEUED
    return message


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_message_send_it_once(
    world: World, sink: Sink, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    message = reply(case=customer_writes(world), text="Bring her in.", by=world.agent)
    assert Message.objects.get(pk=message.pk).delivery_status == DeliveryStatus.QUEUED

    # Both workers have loaded the message as queued before either sends.
    both_loaded = threading.Barrier(2, timeout=10)
    real_choose = outbound.choose_recipient

    def choose_then_wait(msg: Message) -> tuple[str | None, str]:
        chosen = real_choose(msg)
        both_loaded.wait()
        return chosen

    monkeypatch.setattr(outbound, "choose_recipient", choose_then_wait)
    outcomes, errors = at_once(lambda: deliver_message.call(message.pk), wait=30)

    assert errors == []
    assert sorted(outcomes) == ["sent", "skipped"]
    message.refresh_from_db()
    assert (message.delivery_status, message.delivery_attempts) == (DeliveryStatus.SENT, 1)
    assert sink.only().message["Message-ID"] == message.external_id
    assert len(sink.attempts) == 1


def test_a_reply_is_sending_while_in_flight_and_shown_so_on_the_timeline(world: World) -> None:
    message = queued_reply(world)
    assert outbox.claim_delivery(message=message)
    assert not outbox.claim_delivery(message=message)  # a second worker is refused
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENDING
    assert deliver_message.call(message.pk) == "skipped"

    page = world.client_for(world.agent).get(f"/cases/{message.case_id}/")
    assert 'data-delivery="sending">Sending</span>' in page.content.decode()
    assert world.client_for(world.outsider).get(f"/cases/{message.case_id}/").status_code == 404


def test_a_queued_reply_whose_job_vanished_is_sent_by_the_sweep(world: World, sink: Sink) -> None:
    message = queued_reply(world)
    now = timezone.now()

    assert run_sweeps(now=now)["outbox"]["requeued"] == []  # not late yet
    assert sink.received == []

    late = now + outbound.OUTBOX_GRACE + timedelta(minutes=1)
    assert run_sweeps(now=late)["outbox"]["requeued"] == [message.pk]
    message.refresh_from_db()
    assert (message.delivery_status, message.delivery_error) == (DeliveryStatus.SENT, "")
    assert sink.only().message["Message-ID"] == message.external_id

    # Settled: a later sweep leaves it alone.
    assert run_sweeps(now=late + timedelta(hours=1))["outbox"] == {
        "requeued": [],
        "recovered": [],
        "failed": [],
    }
    assert len(sink.attempts) == 1


def test_a_reply_stuck_sending_is_sent_again_with_the_same_message_id(
    world: World, sink: Sink
) -> None:
    message = queued_reply(world)
    header = outbound.assign_message_id(message=message)
    assert outbox.claim_delivery(message=message)  # then the worker is killed mid-send
    started = timezone.now()

    assert outbound.sweep_outbox(now=started + timedelta(minutes=5))["recovered"] == []
    result = outbound.sweep_outbox(now=started + outbound.OUTBOX_GRACE + timedelta(seconds=1))
    assert result == {"requeued": [], "recovered": [message.pk], "failed": []}

    message.refresh_from_db()
    assert (message.delivery_status, message.delivery_error) == (DeliveryStatus.SENT, "")
    assert message.delivery_attempts == 2
    assert sink.only().message["Message-ID"] == header == message.external_id


def test_a_reply_whose_worker_dies_on_every_attempt_fails_for_a_person_to_check(
    world: World, sink: Sink, settings: Settings
) -> None:
    settings.RAPPORT_EMAIL_MAX_ATTEMPTS = 1
    message = queued_reply(world)
    assert outbox.claim_delivery(message=message)

    result = outbound.sweep_outbox(now=timezone.now() + timedelta(hours=1))
    assert result == {"requeued": [], "recovered": [], "failed": [message.pk]}
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.FAILED
    assert "it may have been delivered" in message.delivery_error
    assert sink.attempts == []


@pytest.mark.django_db(transaction=True)
def test_the_sweep_claims_each_message_once(world: World, settings: Settings) -> None:
    # Jobs wait on the database queue, so what each sweep enqueued can be counted.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    lost = reply(case=customer_writes(world), text="Bring her in.", by=world.agent)
    stuck = reply(case=world.case, text="And her card.", by=world.agent, channel="email")
    assert outbox.claim_delivery(message=stuck)
    DBTaskResult.objects.all().delete()  # the worker that held both jobs died

    late = timezone.now() + outbound.OUTBOX_GRACE + timedelta(minutes=1)
    first = outbound.sweep_outbox(now=late)
    second = outbound.sweep_outbox(now=late)  # another worker sweeping at the same moment
    assert first == {"requeued": [lost.pk], "recovered": [stuck.pk], "failed": []}
    assert second == {"requeued": [], "recovered": [], "failed": []}
    jobs = sorted(row.args_kwargs["args"] for row in DBTaskResult.objects.all())
    assert jobs == [[lost.pk, 1], [stuck.pk, 2]]
    assert set(
        Message.objects.filter(pk__in=[lost.pk, stuck.pk]).values_list("delivery_status", flat=True)
    ) == {DeliveryStatus.QUEUED}

    # Their new jobs are lost too: the next sweep, a grace later, queues them again.
    DBTaskResult.objects.all().delete()
    again = outbound.sweep_outbox(now=late + outbound.OUTBOX_GRACE + timedelta(minutes=1))
    assert sorted(again["requeued"]) == sorted([lost.pk, stuck.pk])
    assert DBTaskResult.objects.count() == 2
