"""A real SMTP server on loopback (aiosmtpd) that records what it is sent, for outbound tests."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from pytest_django.fixtures import Settings


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Sink:
    """Records accepted mail; `data_answers` / `rcpt_answers` script refusals, in order."""

    received: list[Received] = field(default_factory=list)
    attempts: list[bytes] = field(default_factory=list)  # every DATA, accepted or not
    data_answers: list[str] = field(default_factory=list)
    rcpt_answers: dict[str, str] = field(default_factory=dict)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.rcpt_answers:
            return self.rcpt_answers[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        raw = bytes(envelope.original_content or envelope.content)
        self.attempts.append(raw)
        if self.data_answers:
            return self.data_answers.pop(0)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), raw))
        return "250 2.0.0 OK"

    def only(self) -> Received:
        assert len(self.received) == 1, f"expected one message, got {len(self.received)}"
        return self.received[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def sink(settings: Settings) -> Iterator[Sink]:
    """An SMTP sink on a free loopback port, with Django's SMTP backend pointed at it."""
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "Night Clinic <support@clinic.example>"
    try:
        yield handler
    finally:
        controller.stop()
