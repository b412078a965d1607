"""Two workers draining overlapping batches of the queue at the same time (the worker's job
takes the mail queued behind its own): every mail is processed once, and nothing fails."""

from __future__ import annotations

import random
import threading
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from pytest_django.fixtures import Settings

from bench.ingest import mailbox
from rapport.cases.models import Direction, Message
from rapport.mail.actions.intake import Arrival, process_inbound_emails, store_inbound_emails
from rapport.mail.models import InboundEmail, InboundStatus
from tests.conftest import World

# Each worker has its own connection and transaction, so the test cannot wrap them in one.
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_overlapping_batches_at_once_process_every_mail_once(
    world: World, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    mails = mailbox(150, random.Random(11))  # noqa: S311 - a repeatable mailbox, not a secret
    rows = store_inbound_emails(
        arrivals=[Arrival(raw=raw) for raw in mails], source="pipe", enqueue=False
    )
    ids = [row.pk for row in rows]
    start = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def work(batch: list[int]) -> None:
        try:
            start.wait()
            for first in range(0, len(batch), 40):
                process_inbound_emails(inbound_ids=batch[first : first + 40])
        except BaseException as exc:  # reported by the assertion below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    workers = [
        threading.Thread(target=work, args=(ids[:110],)),
        threading.Thread(target=work, args=(ids[30:],)),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)

    assert errors == []
    statuses = Counter(InboundEmail.objects.values_list("status", flat=True))
    assert statuses[InboundStatus.RECEIVED] == statuses[InboundStatus.FAILED] == 0
    assert sum(statuses.values()) == len(mails)
    # Every mail from a person is on exactly one case, once.
    delivered = set(
        InboundEmail.objects.filter(status=InboundStatus.PROCESSED).values_list(
            "message_id", flat=True
        )
    )
    on_cases = Counter(
        Message.objects.filter(direction=Direction.INBOUND, external_id__isnull=False).values_list(
            "external_id", flat=True
        )
    )
    assert set(on_cases) == delivered
    assert set(on_cases.values()) == {1}
    assert statuses[InboundStatus.DUPLICATE] > 0  # the mailbox's redeliveries
