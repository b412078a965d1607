"""Issue 11 #6: a forgotten password is reset by email, without telling who has an account."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client

from rapport.people.models import SecurityEvent, SecurityEventKind
from tests.conftest import PASSWORD, World

NEW_PASSWORD = "a new and rather long passphrase"


def _with_email(world: World) -> None:
    world.agent.user.email = "ana@clinic.example"
    world.agent.user.save(update_fields=["email"])


def ask(email: str) -> Any:
    return Client().post("/password-reset/", {"email": email}, follow=True)


def without_csrf(html: bytes) -> str:
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", html.decode())


def test_known_and_unknown_addresses_get_the_same_answer(world: World) -> None:
    _with_email(world)
    known, unknown = ask("ana@clinic.example"), ask("nobody@clinic.example")
    assert known.redirect_chain == unknown.redirect_chain == [("/password-reset/sent/", 302)]
    assert without_csrf(known.content) == without_csrf(unknown.content)
    assert "If an account uses that address" in known.content.decode()
    assert [m.to for m in mail.outbox] == [["ana@clinic.example"]]
    asked = SecurityEvent.objects.filter(kind=SecurityEventKind.PASSWORD_RESET_REQUESTED)
    assert sorted(asked.values_list("username", flat=True)) == [
        "ana@clinic.example",
        "nobody@clinic.example",
    ]


def test_the_email_and_its_link_set_a_new_password_once(world: World, settings: Any) -> None:
    settings.SITE_URL = "https://desk.example.com"
    _with_email(world)
    ask("ana@clinic.example")
    message = mail.outbox[0]
    assert message.subject == "Reset your Rapport password"
    assert "Hello Dr. Ana Ortiz" in message.body and '"ana"' in message.body
    assert "works once, for 2 hours" in message.body
    link = re.search(r"https://desk\.example\.com(/password-reset/\S+/)", str(message.body))
    assert link is not None, message.body
    client = Client()
    form = client.get(link.group(1), follow=True)  # Django swaps the token for a session key
    assert 'id="new-password-form"' in form.content.decode()
    confirm_url = form.redirect_chain[-1][0]
    weak = client.post(confirm_url, {"new_password1": "abc", "new_password2": "abc"})
    assert weak.status_code == 200 and 'id="password-errors"' in weak.content.decode()
    done = client.post(confirm_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/password-reset/done/"
    assert Client().post("/login/", {"username": "ana", "password": PASSWORD}).status_code == 200
    assert (
        Client().post("/login/", {"username": "ana", "password": NEW_PASSWORD}).status_code == 302
    )
    again = Client().get(link.group(1), follow=True)
    assert 'id="reset-link-invalid"' in again.content.decode()
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.PASSWORD_RESET, user=world.agent.user
    ).exists()


def test_a_reset_lifts_a_lockout(world: World, settings: Any) -> None:
    settings.RAPPORT_RATE_LOGIN = "off"
    _with_email(world)
    for _ in range(5):
        Client().post("/login/", {"username": "ana", "password": "wrong"})
    assert Client().post("/login/", {"username": "ana", "password": PASSWORD}).status_code == 429
    ask("ana@clinic.example")
    path = re.search(r"http://[^/]+(/password-reset/\S+/)", str(mail.outbox[0].body))
    assert path is not None
    client = Client()
    confirm_url = client.get(path.group(1), follow=True).redirect_chain[-1][0]
    client.post(confirm_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = Client().post("/login/", {"username": "ana", "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_the_sign_in_page_links_to_the_reset(db: None) -> None:
    html = Client().get("/login/").content.decode()
    assert 'id="forgot-password" href="/password-reset/"' in html or (
        'href="/password-reset/" id="forgot-password"' in html
    )
