"""Issue 11 #6: wrong passwords lock the account and the address for a while, and are audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from rapport.people.models import SecurityEvent, SecurityEventKind
from tests.conftest import PASSWORD, World


@pytest.fixture(autouse=True)
def _no_rate_limit(settings: Any) -> None:
    """The per-address request rate is tested in test_rate_limits; here, the lockout alone."""
    settings.RAPPORT_RATE_LOGIN = "off"


def sign_in(client: Client, username: str, password: str, address: str = "203.0.113.5") -> Any:
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_fifty_wrong_passwords_then_the_right_one_is_refused(world: World) -> None:
    client = Client()
    answers = [sign_in(client, "ana", f"guess-{i}").status_code for i in range(50)]
    assert answers[:4] == [200] * 4  # the form again, with its message
    assert set(answers[5:]) == {429}
    response = sign_in(client, "ana", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert 'id="locked-out"' in html and "Sign-in is locked for 15 minutes" in html
    assert "reset your password by email" in html
    assert response["Retry-After"] == str(15 * 60)
    assert "_auth_user_id" not in client.session


def test_the_account_is_locked_whatever_the_address(world: World) -> None:
    for i in range(5):
        sign_in(Client(), "ana", "wrong", address=f"198.51.100.{i}")
    assert sign_in(Client(), "ana", PASSWORD, address="192.0.2.77").status_code == 429
    # Another account from another address is not affected.
    assert sign_in(Client(), "ben", PASSWORD, address="192.0.2.78").status_code == 302


def test_the_address_is_locked_whatever_the_account(world: World) -> None:
    for name in ("ana", "ben", "sam", "olga", "nobody"):
        sign_in(Client(), name, "wrong", address="203.0.113.9")
    assert sign_in(Client(), "ben", PASSWORD, address="203.0.113.9").status_code == 429
    assert sign_in(Client(), "ben", PASSWORD, address="203.0.113.10").status_code == 302


def test_the_lock_lifts_after_the_cool_off(world: World) -> None:
    for _ in range(5):
        sign_in(Client(), "ana", "wrong")
    assert sign_in(Client(), "ana", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert sign_in(Client(), "ana", PASSWORD).status_code == 302


def test_limit_and_lockout_follow_the_settings(world: World, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=3)
    sign_in(Client(), "ana", "wrong")
    response = sign_in(Client(), "ana", "wrong")
    assert response.status_code == 429 and "for 3 minutes" in response.content.decode()


def test_sign_ins_failures_and_lockouts_are_audited(world: World) -> None:
    assert sign_in(Client(), "ana", PASSWORD).status_code == 302
    for _ in range(6):
        sign_in(Client(), "ben", "wrong", address="198.51.100.20")
    kinds = list(SecurityEvent.objects.order_by("id").values_list("kind", "username", "ip_address"))
    assert kinds[0] == (SecurityEventKind.SIGNED_IN, "ana", "203.0.113.5")
    failed = [k for k in kinds if k[0] == SecurityEventKind.SIGN_IN_FAILED]
    locked = [k for k in kinds if k[0] == SecurityEventKind.LOCKED_OUT]
    assert len(failed) == 4 and len(locked) == 2  # the 5th trips the lock, the 6th meets it
    assert {k[1:] for k in failed + locked} == {("ben", "198.51.100.20")}


def test_the_supervisor_reads_the_audit_and_others_cannot(world: World) -> None:
    sign_in(Client(), "ana", "not-it", address="198.51.100.30")
    page = world.client_for(world.supervisor).get("/supervisor/security/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-event-kind="sign_in_failed"' in html and "198.51.100.30" in html
    assert world.client_for(world.agent).get("/supervisor/security/").status_code == 404
    anonymous = Client().get("/supervisor/security/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")


def test_signing_out_is_audited(world: World) -> None:
    client = world.client_for(world.agent)
    client.post("/logout/")
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.SIGNED_OUT, user=world.agent.user
    ).exists()
