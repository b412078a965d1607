"""A mail that kills its worker: its attempts are counted before it is processed, the batch it
was in goes on without it, and after RAPPORT_INTAKE_MAX_CRASHES deaths it is quarantined, shown
on the intake page with the reason and retried by a person."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings

from rapport.mail import bounds
from rapport.mail.actions.intake import (
    process_inbound_emails,
    retry_inbound_email,
    store_inbound_email,
)
from rapport.mail.models import InboundEmail, InboundStatus
from rapport.mail.parse import ParsedEmail
from tests.conftest import World
from tests.mail.intake_helpers import make_mail
from tests.mail.test_intake_fault import start_worker
from tests.mail.test_smtpd import _database_url


def _killer() -> bytes:
    return make_mail(
        sender="Bot <bot@hostile.example>",
        subject="I stop workers",
        message_id="<killer@hostile.example>",
        headers={"X-Test-Kills-Worker": "yes"},
    )


def _ordinary(n: int) -> bytes:
    return make_mail(
        sender=f"Customer {n} <customer{n}@example.com>",
        subject=f"Question {n}",
        message_id=f"<ordinary-{n}@example.com>",
    )


def _as_if_the_worker_died(rows: list[InboundEmail]) -> None:
    """What a worker killed in the middle of a batch leaves: attempts counted, never ended."""
    pks = [row.pk for row in rows]
    InboundEmail.objects.filter(pk__in=pks).update(attempts=1, started_at=timezone.now())


class Died(BaseException):
    """The worker process ending where it stands (as SIGKILL would end it): nothing after it
    runs, and no `except Exception` catches it."""


@pytest.mark.django_db
def test_attempts_are_counted_before_processing_and_a_crashed_batch_goes_on_without_its_killer(
    world: World, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.RAPPORT_INTAKE_MAX_CRASHES = 3
    killer = store_inbound_email(raw=_killer(), source="smtp", enqueue=False)
    others = [store_inbound_email(raw=_ordinary(n), source="smtp", enqueue=False) for n in range(3)]
    batch = [killer.pk, *(row.pk for row in others)]
    at_parse: list[tuple[int, bool]] = []  # the killer's row as it is when it is parsed
    read_mail = bounds.read_mail

    def dying(raw: bytes) -> ParsedEmail:
        if b"X-Test-Kills-Worker" in raw:
            row = InboundEmail.objects.get(pk=killer.pk)
            at_parse.append((row.attempts, row.started_at is not None))
            raise Died
        return read_mail(raw)

    monkeypatch.setattr(bounds, "read_mail", dying)
    _as_if_the_worker_died([killer, *others])

    # After one crash the batch goes again as a batch of its own; the killer dies again.
    with pytest.raises(Died):
        process_inbound_emails(inbound_ids=batch)
    assert at_parse == [(2, True)]  # counted and marked as under way before the parse
    # After a second, each mail goes alone: the killer (first) dies again, taking none along.
    with pytest.raises(Died):
        process_inbound_emails(inbound_ids=batch)
    assert at_parse[-1] == (3, True)
    # The third death quarantines it without parsing it again, and the rest go on as a batch.
    results = process_inbound_emails(inbound_ids=batch)
    assert len(at_parse) == 2
    killer.refresh_from_db()
    assert (killer.status, killer.crashes, killer.attempts) == ("quarantined", 3, 3)
    assert "the worker stopped 3 times while processing this mail" in killer.reason
    assert [r.outcome for r in results] == ["quarantined", "new_case", "new_case", "new_case"]
    for row in others:
        row.refresh_from_db()
        assert (row.status, row.attempts, row.crashes, row.started_at) == ("processed", 3, 2, None)
    assert process_inbound_emails(inbound_ids=[killer.pk])[0].outcome == "quarantined"

    # A person sends it through again: a full set of chances.
    retry_inbound_email(inbound=killer, by=world.supervisor, enqueue=False)
    killer.refresh_from_db()
    assert (killer.status, killer.crashes, killer.started_at) == ("received", 0, None)
    monkeypatch.setattr(bounds, "read_mail", read_mail)
    assert process_inbound_emails(inbound_ids=[killer.pk])[0].outcome == "new_case"


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_mail_that_kills_the_real_worker_is_quarantined_and_holds_nothing_back(
    world: World, settings: Settings, tmp_path: Path
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path
    settings.RAPPORT_INTAKE_STALE_SECONDS = 5
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "RAPPORT_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "s" * 50,
        "TASKS_BACKEND": "database",
        "RAPPORT_INTAKE_STALE_SECONDS": "5",
        "RAPPORT_INTAKE_MAX_CRASHES": "3",
        "RAPPORT_SWEEP_SECONDS": "1",
    }
    # The killer in the middle of one batch of ordinary mail, stored before a worker runs.
    rows = [store_inbound_email(raw=_ordinary(n), source="smtp") for n in range(3)]
    killer = store_inbound_email(raw=_killer(), source="smtp")
    rows += [store_inbound_email(raw=_ordinary(n), source="smtp") for n in range(3, 6)]
    deaths = 0
    worker = start_worker(env, "tests.mail.dying_worker")
    deadline = time.monotonic() + 90
    try:
        while True:
            killer.refresh_from_db()
            settled = not InboundEmail.objects.filter(
                status__in=(InboundStatus.RECEIVED, InboundStatus.FAILED)
            ).exists()
            if settled and killer.status == InboundStatus.QUARANTINED:
                break
            assert time.monotonic() < deadline, list(
                InboundEmail.objects.values_list("pk", "status", "attempts", "crashes")
            )
            if worker.poll() is not None:
                deaths += 1
                assert worker.returncode == -9  # it was killed, as the kernel would
                worker = start_worker(env, "tests.mail.dying_worker")
            time.sleep(0.2)
    finally:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=20)

    assert deaths == 3
    assert killer.attempts == 3 and killer.crashes == 3
    for row in rows:
        row.refresh_from_db()
        assert (row.status, row.outcome) == ("processed", "new_case"), row.reason
    page = world.client_for(world.supervisor).get("/mail/intake/")
    text = page.content.decode()
    assert f'data-inbound-id="{killer.pk}" data-status="quarantined"' in text
    assert "the worker stopped 3 times while processing this mail" in text
