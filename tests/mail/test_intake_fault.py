"""Fault test: 1,000 mails stored while a real `rapport worker` is SIGKILLed at random moments
and restarted; afterwards every mail is processed exactly once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from rapport.cases.models import Direction, Message
from rapport.mail.actions.intake import store_inbound_email
from rapport.mail.models import InboundEmail, InboundStatus
from tests.mail.intake_helpers import make_mail
from tests.mail.test_smtpd import _database_url

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
MAILS = 1000
REDELIVERED = 50


def corpus(rng: random.Random) -> list[tuple[str, bytes]]:
    """(Message-ID, bytes): new threads, replies to earlier mail, auto-replies, redeliveries."""
    mails: list[tuple[str, bytes]] = []
    for n in range(MAILS - REDELIVERED):
        sender = f"Customer {n % 60} <customer{n % 60}@example.com>"
        message_id = f"<fault-{n}@example.com>"
        headers: dict[str, str] = {}
        in_reply_to = ""
        if n % 10 == 9:
            headers["Auto-Submitted"] = "auto-replied"
        elif n > 60 and n % 3 == 0:
            in_reply_to = f"<fault-{n - 60}@example.com>"  # the same sender's earlier mail
        raw = make_mail(
            sender=sender,
            subject=f"Order {n // 3}",
            body=f"Mail number {n}.\n\n> quoted history\n",
            message_id=message_id,
            in_reply_to=in_reply_to,
            references=in_reply_to,
            headers=headers,
        )
        mails.append((message_id, raw))
    mails += rng.sample(mails, REDELIVERED)  # the same bytes delivered again
    rng.shuffle(mails)
    return mails


def start_worker(env: dict[str, str], module: str = "rapport.cli") -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own worker modules, fixed arguments
        [sys.executable, "-m", module, "worker", "--interval", "0.05",
         "--no-startup-delay", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def test_every_mail_is_processed_exactly_once_although_the_worker_is_killed(
    settings: Settings, tmp_path: Path
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path
    # A mail whose task died with a worker (or was never queued) is queued again after 5 s.
    settings.RAPPORT_INTAKE_STALE_SECONDS = 5
    rng = random.Random(20240607)  # noqa: S311 - test data, not cryptography
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "RAPPORT_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "s" * 50,
        "TASKS_BACKEND": "database",
        "RAPPORT_INTAKE_RATE_LIMIT": "100000",
        "RAPPORT_INTAKE_STALE_SECONDS": "5",  # the sweep re-queues what a killed worker held
        "RAPPORT_SWEEP_SECONDS": "1",
    }
    mails = corpus(rng)
    kills = 0
    worker = start_worker(env)
    next_kill = time.monotonic() + rng.uniform(0.5, 2.0)
    try:
        for _, raw in mails:
            store_inbound_email(raw=raw, source="smtp")
            if time.monotonic() > next_kill:
                worker.send_signal(signal.SIGKILL)
                worker.wait()
                kills += 1
                worker = start_worker(env)
                next_kill = time.monotonic() + rng.uniform(0.5, 2.0)
        # Keep killing while the backlog drains (at least four kills in all, however fast the
        # mails were stored), then let the last worker finish it.
        for _ in range(max(3, 4 - kills)):
            time.sleep(rng.uniform(1.0, 2.5))
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            kills += 1
            worker = start_worker(env)
        # Exactly once is the point, not speed: every store and every task the worker claims
        # or finishes is a synced commit (synchronous=FULL), which a disk shared with other
        # test runs makes slow, so the backlog gets two minutes to drain.
        deadline = time.monotonic() + 120
        unsettled = InboundEmail.objects.filter(
            status__in=(InboundStatus.RECEIVED, InboundStatus.FAILED)
        )
        while unsettled.exists():
            assert time.monotonic() < deadline, list(
                unsettled.values_list("pk", "status", "reason", "retry_at", "attempts")
            )
            assert worker.poll() is None, "the worker died"
            time.sleep(0.25)
    finally:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()

    assert kills >= 4
    rows = list(InboundEmail.objects.defer("raw").values_list("message_id", "status"))
    assert len(rows) == MAILS
    statuses = Counter(status for _, status in rows)
    assert statuses[InboundStatus.FAILED] == 0 and statuses[InboundStatus.RECEIVED] == 0
    assert statuses[InboundStatus.DUPLICATE] == REDELIVERED
    distinct = {mid for mid, _ in rows}
    assert len(distinct) == MAILS - REDELIVERED
    # One settled, non-duplicate row per Message-ID ...
    settled = Counter(mid for mid, status in rows if status != InboundStatus.DUPLICATE)
    assert set(settled.values()) == {1} and set(settled) == distinct
    # ... and exactly one message on a case for every mail from a person (auto-replies: none).
    auto = {mid for mid, status in rows if status == InboundStatus.AUTO_REPLY}
    assert len(auto) == (MAILS - REDELIVERED) // 10
    on_cases = Counter(
        Message.objects.filter(direction=Direction.INBOUND).values_list("external_id", flat=True)
    )
    assert set(on_cases.values()) == {1}
    assert set(on_cases) == distinct - auto
