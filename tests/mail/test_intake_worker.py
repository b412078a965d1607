"""Intake through the real worker on the database queue, including a worker that died."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from rapport.cases.models import Message
from rapport.mail.actions.intake import process_inbound_email, store_inbound_email
from rapport.mail.models import InboundEmail, InboundStatus
from tests.conftest import World
from tests.mail.intake_helpers import make_mail

# The worker opens its own exclusive transaction, so the test cannot wrap it in one.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def database_queue(settings: Settings, tmp_path: Path) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path


def work() -> None:
    call_command("worker", "--batch", stdout=StringIO(), stderr=StringIO())


def test_stored_mail_is_queued_on_commit_and_processed_by_the_worker(world: World) -> None:
    row = store_inbound_email(raw=make_mail(), source="pipe")
    task = DBTaskResult.objects.get()
    assert task.status == "READY"
    assert InboundEmail.objects.get(pk=row.pk).status == InboundStatus.RECEIVED
    work()
    row.refresh_from_db()
    assert (row.status, row.outcome) == (InboundStatus.PROCESSED, "new_case")
    assert Message.objects.filter(external_id="<m1@mail.example.com>").count() == 1


def test_mail_held_by_a_worker_that_died_is_processed_when_a_worker_comes_back(
    world: World,
) -> None:
    row = store_inbound_email(raw=make_mail(), source="smtp")
    # A worker claimed the task and was killed before finishing it: the task stays "running"
    # forever and the mail stays "received".
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now())
    work()
    assert InboundEmail.objects.get(pk=row.pk).status == InboundStatus.RECEIVED
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=True):
        work()  # the scheduler's intake sweep queues it again, and the worker runs it
    row.refresh_from_db()
    assert row.status == InboundStatus.PROCESSED
    assert Message.objects.filter(external_id="<m1@mail.example.com>").count() == 1
    # Even if the dead worker's task were run after all, nothing is processed twice.
    again = process_inbound_email(inbound_id=row.pk)
    assert again.outcome == "new_case"
    assert Message.objects.filter(external_id="<m1@mail.example.com>").count() == 1
