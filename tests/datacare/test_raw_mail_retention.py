"""RAPPORT_RAW_MAIL_RETENTION_DAYS: the scheduler's sweep deletes the raw bytes of settled mail
past N days; the message stays on its case. Off by default."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from rapport.cases.models import Message
from rapport.jobs.scheduler import run_sweeps
from rapport.mail.models import InboundEmail, InboundStatus
from tests.conftest import World
from tests.datacare.conftest import Rich
from tests.mail.intake_helpers import ingest, make_mail


def _age(row: InboundEmail, days: int) -> None:
    InboundEmail.objects.filter(pk=row.pk).update(received_at=timezone.now() - timedelta(days=days))


def test_off_by_default_keeps_every_original(rich: Rich) -> None:
    _age(rich.inbound, 4000)
    result = run_sweeps(now=timezone.now())
    assert result["raw_mail_retention"] == {"deleted": []}
    assert bytes(InboundEmail.objects.get(pk=rich.inbound.pk).raw)


def test_settled_mail_past_retention_loses_its_raw_bytes_only(
    world: World, rich: Rich, settings: Any
) -> None:
    settings.RAPPORT_RAW_MAIL_RETENTION_DAYS = 30
    _age(rich.inbound, 31)
    _, recent = ingest(make_mail(sender="x@example.org", message_id="<recent@example.org>"))
    failed = InboundEmail.objects.create(
        raw=b"Subject: broken\r\n\r\n",
        source="pipe",
        message_id="<f@x>",
        status=InboundStatus.FAILED,
    )
    _age(failed, 90)
    assert rich.inbound.case_message_id is not None
    text = Message.objects.get(pk=rich.inbound.case_message_id).text

    result = run_sweeps(now=timezone.now())

    assert result["raw_mail_retention"] == {"deleted": [rich.inbound.pk]}
    row = InboundEmail.objects.get(pk=rich.inbound.pk)
    assert bytes(row.raw) == b"" and row.raw_deleted_at is not None
    assert row.status == InboundStatus.PROCESSED and row.case_message_id
    assert Message.objects.get(pk=row.case_message_id).text == text
    assert bytes(InboundEmail.objects.get(pk=recent.pk).raw)  # too young
    assert bytes(InboundEmail.objects.get(pk=failed.pk).raw)  # may still be retried
    assert run_sweeps(now=timezone.now())["raw_mail_retention"] == {"deleted": []}

    # The original view says what happened instead of showing an empty mail.
    response = world.client_for(world.supervisor).get(f"/mail/inbound/{row.pk}/raw/")
    assert response.status_code == 410
    assert "deleted on" in response.content.decode()
