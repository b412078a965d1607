"""`rapport worker` runs queued tasks through django-tasks-db's real worker code."""

from __future__ import annotations

import signal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from rapport.cases.actions.messages import reply
from rapport.cases.models import DeliveryStatus, Message
from rapport.jobs.management.commands.worker import Command
from tests.conftest import World


@pytest.fixture
def database_queue(settings: Settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# The worker opens its own exclusive transaction, so the test cannot wrap it in one.
@pytest.mark.django_db(transaction=True)
def test_batch_run_delivers_a_queued_reply(world: World, database_queue: None) -> None:
    message = reply(
        case=world.case, text="Give her the syrup twice a day.", by=world.agent, channel="email"
    )
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert mail.outbox == []
    sigint_before = signal.getsignal(signal.SIGINT)

    out = StringIO()
    call_command("worker", "--batch", stdout=out, stderr=out)

    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["maria.lopez@example.com"]
    assert "— Dr. Ana Ortiz" in mail.outbox[0].body
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert signal.getsignal(signal.SIGINT) is sigint_before


@pytest.mark.django_db(transaction=True)
def test_batch_run_with_nothing_queued_exits(world: World, database_queue: None) -> None:
    call_command("worker", "--batch", "--max-tasks", "5", stdout=StringIO(), stderr=StringIO())
    assert not Message.objects.filter(delivery_status=DeliveryStatus.QUEUED).exists()
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_max_tasks_stops_after_that_many(world: World, database_queue: None) -> None:
    first = reply(case=world.case, text="First", by=world.agent, channel="email")
    second = reply(case=world.case, text="Second", by=world.agent, channel="email")
    call_command("worker", "--batch", "--max-tasks", "1", stdout=StringIO(), stderr=StringIO())
    statuses = set(
        Message.objects.filter(pk__in=[first.pk, second.pk]).values_list(
            "delivery_status", flat=True
        )
    )
    assert statuses == {DeliveryStatus.SENT, DeliveryStatus.QUEUED}
    assert len(mail.outbox) == 1


def test_the_backend_option_takes_any_configured_backend_and_refuses_others(
    settings: Settings,
) -> None:
    """The Redis queue's backend is not a database one: the worker's --backend takes it (the
    database worker's own option refuses it), and refuses a name that is not configured."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
        "elsewhere": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"},
    }
    parser = Command().create_parser("rapport", "worker")
    assert parser.parse_args(["--backend", "elsewhere"]).backend_name == "elsewhere"
    assert parser.parse_args([]).backend_name == "default"
    with pytest.raises(CommandError, match="nowhere"):
        parser.parse_args(["--backend", "nowhere"])
