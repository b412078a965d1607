"""Password reset by email end to end over a real SMTP server on loopback (aiosmtpd): the mail
the server receives, decoded as a mail client would, carries a link that sets a new password
once; a mail server that is down does not lose the request."""

from __future__ import annotations

import re

from django.test import Client
from pytest_django.fixtures import Settings

from tests.conftest import PASSWORD, World
from tests.mail.smtp_sink import Sink, sink

__all__ = ["sink"]  # the fixture, imported for pytest

NEW_PASSWORD = "a new and rather long passphrase"


def _reset_link(received: str, site: str) -> str:
    found = re.search(re.escape(site) + r"(/password-reset/[^\s]+/)", received)
    assert found is not None, received
    return found.group(1)


def test_the_reset_mail_arrives_and_its_link_sets_a_new_password(
    world: World, sink: Sink, settings: Settings
) -> None:
    settings.SITE_URL = "https://desk.example.com"
    settings.SITE_NAME = "Night Clinic desk"
    settings.DEFAULT_FROM_EMAIL = "Night Clinic <support@clinic.example>"
    world.agent.user.email = "Ana.Ortiz@Clinic.example"
    world.agent.user.save(update_fields=["email"])
    asked = Client().post("/password-reset/", {"email": "ana.ortiz@clinic.example"}, follow=True)
    assert asked.redirect_chain == [("/password-reset/sent/", 302)]
    mail = sink.only()
    assert mail.rcpt_tos == ["Ana.Ortiz@Clinic.example"]
    message = mail.message
    assert message["Subject"] == "Reset your Night Clinic desk password"
    assert "support@clinic.example" in message["From"]
    assert message["Auto-Submitted"] == "auto-generated"
    body = message.get_content()
    assert "Hello Dr. Ana Ortiz" in body
    link = _reset_link(body, "https://desk.example.com")
    client = Client()
    form = client.get(link, follow=True)
    assert 'id="new-password-form"' in form.content.decode()
    confirm = form.redirect_chain[-1][0]
    done = client.post(confirm, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/password-reset/done/"
    assert (
        Client().post("/login/", {"username": "ana", "password": NEW_PASSWORD}).status_code == 302
    )
    assert Client().post("/login/", {"username": "ana", "password": PASSWORD}).status_code == 200
    assert 'id="reset-link-invalid"' in Client().get(link, follow=True).content.decode()


def test_a_mail_server_that_says_try_later_does_not_lose_the_request(
    world: World, sink: Sink
) -> None:
    world.agent.user.email = "ana@clinic.example"
    world.agent.user.save(update_fields=["email"])
    sink.data_answers = ["451 4.3.0 Try again later"]
    asked = Client().post("/password-reset/", {"email": "ana@clinic.example"})
    assert asked.status_code == 302
    # Tried again (at once with the tests' immediate task backend, later with the worker's).
    assert len(sink.attempts) == 2
    body = sink.only().message.get_content()
    assert "/password-reset/" in body


def test_a_refusal_is_not_retried(world: World, sink: Sink) -> None:
    world.agent.user.email = "ana@clinic.example"
    world.agent.user.save(update_fields=["email"])
    sink.rcpt_answers = {"ana@clinic.example": "550 5.1.1 No such mailbox"}
    asked = Client().post("/password-reset/", {"email": "ana@clinic.example"})
    assert asked.status_code == 302 and sink.received == []
