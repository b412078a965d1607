"""Issue 11 #6: a second factor (TOTP) for supervisors at least, end to end with real codes."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from typing import Any

import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from rapport.people.models import SecurityEvent, SecurityEventKind
from tests.conftest import PASSWORD, World
from tests.conftest import totp_code as code_for


def sign_in(username: str) -> tuple[Client, Any]:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    return client, response


def test_a_supervisor_without_an_app_must_set_one_up_before_any_page(world: World) -> None:
    client, response = sign_in("sam")
    assert response.status_code == 302
    for url in ("/", "/supervisor/", "/supervisor/security/", "/customers/"):
        page = client.get(url)
        assert page.status_code == 302, url
        assert page["Location"].startswith("/account/two-factor/?next="), url
    setup = client.get("/account/two-factor/")
    assert setup.status_code == 200
    html = setup.content.decode()
    assert 'id="two-factor-required"' in html
    # The QR code is drawn here, as an image of our own: nothing from elsewhere.
    assert 'id="qr-code" src="/account/two-factor/qr.png"' in html
    png = client.get("/account/two-factor/qr.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG") and png["Cache-Control"] == "no-store"
    # Nothing a strict Content-Security-Policy would block: no inline script, style or handler.
    assert not re.search(r"<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=", html)
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.SIGNED_IN).count() == 1


def test_the_whole_flow_with_real_codes(world: World) -> None:
    client, _ = sign_in("sam")
    html = client.get("/account/two-factor/?next=/supervisor/").content.decode()
    secret = re.search(r'id="totp-secret" class="secret">([A-Z2-7 ]+)<', html)
    assert secret is not None
    device = TOTPDevice.objects.get(user=world.supervisor.user, confirmed=False)
    # A wrong code is refused and audited; the app stays unconfirmed.
    wrong = client.post("/account/two-factor/", {"code": "000000", "next": "/supervisor/"})
    assert wrong.status_code == 400 and 'id="code-error"' in wrong.content.decode()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.TWO_FACTOR_FAILED).count() == 1
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        right = client.post(
            "/account/two-factor/", {"code": code_for(device), "next": "/supervisor/"}
        )
    assert right.status_code == 302 and right["Location"] == "/supervisor/"
    assert client.get("/supervisor/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.TWO_FACTOR_ENROLLED).exists()

    # Next sign-in: the password alone leads to the code page, and nowhere else.
    client.post("/logout/")
    later = timezone.now() + timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        client, _ = sign_in("sam")
        page = client.get("/supervisor/")
        assert page["Location"] == "/login/code/?next=%2Fsupervisor%2F"
        assert client.get("/account/two-factor/")["Location"].startswith("/login/code/")
        assert client.get("/api/v1/agents/me").status_code == 401  # the session is not enough
        assert client.post("/login/code/", {"code": "123456"}).status_code == 400
    with time_machine.travel(later + timedelta(seconds=40), tick=False):
        device.refresh_from_db()
        done = client.post("/login/code/", {"code": code_for(device), "next": "/supervisor/"})
        assert done.status_code == 302 and done["Location"] == "/supervisor/"
        assert client.get("/supervisor/").status_code == 200
        assert client.get("/api/v1/agents/me").json()["username"] == "sam"


def test_a_code_is_not_accepted_twice(world: World) -> None:
    device = TOTPDevice.objects.create(user=world.supervisor.user, name="phone", confirmed=True)
    with time_machine.travel(timezone.now(), tick=False):
        code = code_for(device)
        first, _ = sign_in("sam")
        assert first.post("/login/code/", {"code": code}).status_code == 302
        second, _ = sign_in("sam")
        assert second.post("/login/code/", {"code": code}).status_code == 400


def test_agents_pass_without_an_app_unless_the_desk_requires_it(
    world: World, settings: Any
) -> None:
    client, _ = sign_in("ana")
    assert client.get("/").status_code == 200
    settings.RAPPORT_TWO_FACTOR_FOR_ALL = True
    client, _ = sign_in("ana")
    assert client.get("/")["Location"] == "/account/two-factor/?next=%2F"


def test_an_agent_who_set_up_an_app_is_asked_for_the_code(world: World) -> None:
    TOTPDevice.objects.create(user=world.agent.user, name="phone", confirmed=True)
    client, _ = sign_in("ana")
    assert client.get("/")["Location"] == "/login/code/?next=%2F"


def test_the_code_page_is_for_someone_who_typed_the_password(world: World) -> None:
    assert Client().get("/login/code/")["Location"] == "/login/"
    assert world.client_for(world.agent).get("/login/code/")["Location"] == "/"


def test_reset_two_factor_command_forgets_the_app(world: World) -> None:
    TOTPDevice.objects.create(user=world.supervisor.user, name="phone", confirmed=True)
    out = StringIO()
    call_command("reset_two_factor", "sam", stdout=out)
    assert "Removed the authenticator app of sam" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=world.supervisor.user).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.TWO_FACTOR_REMOVED).exists()
    client, _ = sign_in("sam")
    assert client.get("/")["Location"].startswith("/account/two-factor/")


def test_replacing_the_app_keeps_the_old_one_until_the_new_is_confirmed(world: World) -> None:
    client = world.client_for(world.supervisor)
    old = TOTPDevice.objects.get(user=world.supervisor.user, confirmed=True)
    html = client.get("/account/two-factor/").content.decode()
    assert "Replace your authenticator app" in html
    new = TOTPDevice.objects.get(user=world.supervisor.user, confirmed=False)
    assert TOTPDevice.objects.filter(pk=old.pk).exists()
    assert client.post("/account/two-factor/", {"code": code_for(new)}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=world.supervisor.user)) == [new]
