"""The SMTP listener on loopback, with smtplib as the client; and `rapport smtpd` under SIGTERM."""

from __future__ import annotations

import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection

from rapport.cases.models import Case, Message
from rapport.mail import smtp as smtp_module
from rapport.mail.models import InboundEmail, InboundStatus
from rapport.mail.smtp import IntakeController
from tests.conftest import World
from tests.mail.intake_helpers import make_mail

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
MAX_SIZE = 20_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def listener(settings: Any, tmp_path: Path) -> Iterator[IntakeController]:
    settings.MEDIA_ROOT = tmp_path
    controller = IntakeController(host="127.0.0.1", port=free_port(), max_size=MAX_SIZE)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop_gracefully(timeout=5)


def client(controller: IntakeController) -> smtplib.SMTP:
    return smtplib.SMTP("127.0.0.1", controller.port, timeout=10)


def crlf(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def test_a_message_is_committed_exactly_before_the_250_and_then_processed(
    world: World, listener: IntakeController
) -> None:
    raw = crlf(make_mail(body=".a leading dot survives\n..and two\nlast line"))
    with client(listener) as smtp:
        smtp.ehlo("mx.example.com")
        smtp.mail("maria.lopez@example.com")
        smtp.rcpt(f"support+{world.case.pk}@clinic.example")
        code, reply = smtp.data(raw)
    assert code == 250
    assert reply.startswith(b"2.0.0 OK queued as ")
    row = InboundEmail.objects.get(pk=int(reply.rsplit(b" ", 1)[1]))
    assert bytes(row.raw) == raw  # dot-stuffing undone, bytes otherwise untouched
    assert row.source == "smtp"
    assert row.envelope_from == "maria.lopez@example.com"
    assert row.envelope_to == [f"support+{world.case.pk}@clinic.example"]
    assert row.status == InboundStatus.PROCESSED
    assert row.case_id == world.case.pk  # threaded by the plus-addressed envelope recipient
    assert Message.objects.filter(external_id="<m1@mail.example.com>", case=world.case).exists()


def test_a_redelivery_in_the_same_session_is_a_duplicate(
    world: World, listener: IntakeController
) -> None:
    raw = crlf(make_mail(subject="Opening hours"))
    with client(listener) as smtp:
        assert smtp.sendmail("maria.lopez@example.com", ["support@clinic.example"], raw) == {}
        assert smtp.sendmail("maria.lopez@example.com", ["support@clinic.example"], raw) == {}
    statuses = list(InboundEmail.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [InboundStatus.PROCESSED, InboundStatus.DUPLICATE]
    assert Case.objects.filter(subject="Opening hours").count() == 1


def test_a_message_over_the_size_limit_gets_552_in_data(
    world: World, listener: IntakeController
) -> None:
    big = crlf(make_mail(body="x" * 70 + ("\n" + "y" * 70) * 400))
    assert len(big) > MAX_SIZE
    with client(listener) as smtp:
        smtp.ehlo("mx.example.com")
        assert smtp.has_extn("size")
        smtp.mail("maria.lopez@example.com")  # no SIZE= declared
        smtp.rcpt("support@clinic.example")
        code, reply = smtp.data(big)
    assert (code, reply) == (552, b"5.3.4 Message too big")
    assert not InboundEmail.objects.exists()


def test_a_declared_size_over_the_limit_is_refused_at_mail_from(
    world: World, listener: IntakeController
) -> None:
    big = crlf(make_mail(body="z" * (MAX_SIZE + 100)))
    with client(listener) as smtp, pytest.raises(smtplib.SMTPSenderRefused) as refused:
        smtp.sendmail("maria.lopez@example.com", ["support@clinic.example"], big)
    assert refused.value.smtp_code == 552
    assert refused.value.smtp_error == b"5.3.4 Message too big"


def test_recipients_past_the_cap_get_452_and_the_message_keeps_the_rest(
    world: World, listener: IntakeController, settings: Any
) -> None:
    settings.RAPPORT_INBOUND_MAX_RECIPIENTS = 3
    with client(listener) as smtp:
        smtp.ehlo("mx.example.com")
        smtp.mail("maria.lopez@example.com")
        answers = [smtp.rcpt(f"desk{n}@clinic.example") for n in range(5)]
        code, _ = smtp.data(crlf(make_mail()))
    assert [code for code, _ in answers] == [250, 250, 250, 452, 452]
    assert answers[3][1] == b"4.5.3 Too many recipients"
    assert code == 250
    row = InboundEmail.objects.get()
    assert row.envelope_to == [f"desk{n}@clinic.example" for n in range(3)]


def test_a_message_over_the_setting_gets_552_although_max_size_is_higher(
    world: World, listener: IntakeController, settings: Any
) -> None:
    settings.RAPPORT_INBOUND_MAX_BYTES = 4096  # the listener was started with 20,000
    with client(listener) as smtp:
        smtp.ehlo("mx.example.com")
        smtp.mail("maria.lopez@example.com")
        smtp.rcpt("support@clinic.example")
        code, reply = smtp.data(crlf(make_mail(body="q" * 6000)))
    assert (code, reply) == (552, b"5.3.4 Message too big")
    assert not InboundEmail.objects.exists()


def test_database_unavailable_answers_451_so_the_sender_retries(
    world: World, listener: IntakeController, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(**kwargs: Any) -> InboundEmail:
        raise OperationalError("connection refused")

    monkeypatch.setattr(smtp_module, "store_inbound_email", unavailable)
    with client(listener) as smtp, pytest.raises(smtplib.SMTPDataError) as error:
        smtp.sendmail("maria.lopez@example.com", ["support@clinic.example"], crlf(make_mail()))
    assert error.value.smtp_code == 451
    reply = error.value.smtp_error
    assert isinstance(reply, bytes)
    assert reply.startswith(b"4.3.0")


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{user}{password}@{host}{port}/{db['NAME']}"


@pytest.mark.integration
def test_smtpd_command_accepts_mail_and_stops_cleanly_on_sigterm(
    world: World, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "RAPPORT_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "s" * 50,
        "TASKS_BACKEND": "database",
    }
    server = subprocess.Popen(  # noqa: S603 - our own command with fixed arguments
        [sys.executable, "-m", "rapport.cli", "smtpd", "--host", "127.0.0.1", "--port", str(port),
         "--max-size", "100000"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                smtp = smtplib.SMTP("127.0.0.1", port, timeout=10)
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else b""
                assert time.monotonic() < deadline, "rapport smtpd did not start listening"
                time.sleep(0.1)
        with smtp:
            assert (
                smtp.sendmail("tom@pets.example", ["support@clinic.example"], crlf(make_mail()))
                == {}
            )
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert server.returncode == 0, err.decode()
    assert b"Stopped." in out
    row = InboundEmail.objects.get()
    assert row.source == "smtp"
    assert row.message_id == "<m1@mail.example.com>"
