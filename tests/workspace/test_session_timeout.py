"""Issue 11 #6: a session ends when idle too long, and in any case after its longest lifetime."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.test import Client
from django.utils import timezone

from rapport.people.models import SecurityEvent, SecurityEventKind
from tests.conftest import PASSWORD, World

HTMX = {"HX-Request": "true"}


def signed_in() -> Client:
    client = Client()
    assert client.post("/login/", {"username": "ana", "password": PASSWORD}).status_code == 302
    return client


def test_an_idle_session_ends_with_a_message(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = signed_in()
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=59), tick=False):
        assert client.get("/").status_code == 200  # activity: the clock starts again
    with time_machine.travel(start + timedelta(minutes=59 + 61), tick=False):
        response = client.get("/customers/", follow=True)
    assert response.redirect_chain[0][0] == "/login/?next=/customers/"
    assert "You were signed out after 60 minutes without activity" in response.content.decode()
    event = SecurityEvent.objects.get(kind=SecurityEventKind.SESSION_EXPIRED)
    assert event.user == world.agent.user and "60 minutes" in event.detail


def test_pages_that_refresh_themselves_do_not_keep_a_session_alive(world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = signed_in()
    url = f"/cases/{world.case.pk}/presence/"
    for minutes in (20, 40, 55):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.post(url, headers=HTMX).status_code == 200
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        response = client.post(url, headers=HTMX)
    # The open tab is sent to the sign-in page as a whole.
    assert response.status_code == 204 and response["HX-Redirect"] == "/login/"
    assert client.get("/").status_code == 302


def test_a_busy_session_still_ends_after_the_longest_lifetime(world: World, settings: Any) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = signed_in()
    for hours in range(1, 12):
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        assert client.get("/").status_code == 302
    assert settings.SESSION_COOKIE_AGE == 12 * 3600  # the cookie does not outlive it either


def test_the_api_answers_401_once_the_session_is_over(world: World, settings: Any) -> None:
    settings.RAPPORT_SESSION_IDLE_MINUTES = 5
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = signed_in()
        assert client.get("/api/v1/agents/me").status_code == 200
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        assert client.get("/api/v1/agents/me").status_code == 401
