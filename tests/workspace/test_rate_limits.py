"""Issue 11 #8a: every endpoint anyone can reach is rate-limited per client address (429 with
Retry-After), and the address is read through the proxies the operator says they run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from rapport.care.models import Promise
from tests.conftest import World


@pytest.fixture(autouse=True)
def _clock_stands_still() -> Iterator[None]:
    """Counts run in fixed windows: a test must not straddle the end of one."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


CALLBACK = {"name": "Fake", "phone": "+34 612 000 000", "about": "call me"}


def callback(client: Client, i: int, **extra: Any) -> Any:
    data = {**CALLBACK, "name": f"Fake {i}", "phone": f"+34 612 000 {i:03d}"}
    return client.post("/contact/", data, **extra)


def test_thirty_fake_callbacks_from_one_address_book_only_the_allowed_few(world: World) -> None:
    client = Client()
    answers = [callback(client, i) for i in range(30)]
    assert [a.status_code for a in answers[:10]] == [200] * 10
    assert {a.status_code for a in answers[10:]} == {429}
    assert Promise.objects.count() == 10
    refused = answers[-1]
    assert 0 < int(refused["Retry-After"]) <= 3600
    html = refused.content.decode()
    assert 'id="rate-limited"' in html and "Too many requests from your address" in html
    assert 'href="tel:' in html  # never a dead end: the phone number is on the page
    # Another address is served as usual.
    assert callback(Client(), 99, REMOTE_ADDR="198.51.100.7").status_code == 200


def test_the_contact_page_itself_stays_readable(world: World) -> None:
    client = Client()
    for i in range(10):
        callback(client, i)
    assert client.get("/contact/").status_code == 200


@pytest.mark.parametrize(
    ("url", "setting", "data"),
    [
        ("/login/", "RAPPORT_RATE_LOGIN", {"username": "x", "password": "y"}),
        ("/password-reset/", "RAPPORT_RATE_PASSWORD_RESET", {"email": "a@example.com"}),
        ("/contact/", "RAPPORT_RATE_CONTACT", CALLBACK),
    ],
)
def test_each_public_form_has_its_own_setting(
    world: World, settings: Any, url: str, setting: str, data: dict[str, str]
) -> None:
    setattr(settings, setting, "2/m")
    client = Client()
    assert [client.post(url, data).status_code for _ in range(3)][-1] == 429
    setattr(settings, setting, "off")
    assert client.post(url, data).status_code != 429


def test_the_webhook_answers_429_in_json(world: World, settings: Any) -> None:
    settings.RAPPORT_INBOUND_SECRET = "s3cret"
    settings.RAPPORT_RATE_INBOUND = "3/m"
    client = Client()
    headers = {"Authorization": "Bearer wrong"}
    answers = [
        client.post("/mail/inbound/", b"x", "message/rfc822", headers=headers) for _ in range(4)
    ]
    assert [a.status_code for a in answers[:3]] == [403] * 3  # the wrong secret
    assert answers[3].status_code == 429
    assert answers[3].json()["error"]["code"] == "too_many_requests"
    assert int(answers[3]["Retry-After"]) >= 1


def test_anonymous_requests_anywhere_are_limited_and_signed_in_agents_are_not(
    world: World, settings: Any
) -> None:
    settings.RAPPORT_RATE_ANONYMOUS = "5/m"
    anonymous = Client()
    for _ in range(5):
        anonymous.get("/api/v1/openapi.json")
    refused = anonymous.get("/api/v1/")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert anonymous.get("/login/").status_code == 429
    agent = world.client_for(world.agent)
    assert all(agent.get("/").status_code == 200 for _ in range(8))


def test_the_rate_is_counted_per_address_behind_the_proxy(world: World, settings: Any) -> None:
    settings.RAPPORT_RATE_LOGIN = "2/m"
    settings.RAPPORT_TRUSTED_PROXY_COUNT = 1

    def login(forwarded: str) -> int:
        data = {"username": "x", "password": "y"}
        response = Client().post(
            "/login/", data, HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.2"
        )
        return int(response.status_code)

    assert [login("198.51.100.1") for _ in range(3)] == [200, 200, 429]
    assert login("198.51.100.2") == 200  # another client behind the same proxy
    # What the client typed in front of the proxy's entry changes nothing.
    assert login("1.2.3.4, 198.51.100.1") == 429


def test_without_a_trusted_proxy_a_forged_header_is_ignored(world: World, settings: Any) -> None:
    settings.RAPPORT_RATE_LOGIN = "2/m"
    data = {"username": "x", "password": "y"}
    answers = [
        Client().post("/login/", data, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}").status_code
        for i in range(3)
    ]
    assert answers == [200, 200, 429]


def test_an_ipv6_client_is_counted_by_its_64(world: World, settings: Any) -> None:
    settings.RAPPORT_RATE_LOGIN = "2/m"
    data = {"username": "x", "password": "y"}
    answers = [
        Client().post("/login/", data, REMOTE_ADDR=f"2001:db8:1:2::{i}").status_code
        for i in range(1, 4)
    ]
    assert answers == [200, 200, 429]


def test_refused_tokens_are_counted_and_working_ones_never(world: World, settings: Any) -> None:
    settings.RAPPORT_RATE_ANONYMOUS = "3/m"
    guesser = Client()
    bad = {"Authorization": "Bearer rp_guess"}
    assert [guesser.get("/api/v1/cases", headers=bad).status_code for _ in range(4)] == [
        401,
        401,
        401,
        429,
    ]
    good = {"Authorization": f"Bearer {world.token_for(world.agent)}"}
    codes = {
        Client().get("/api/v1/agents/me", headers=good, REMOTE_ADDR="198.51.100.40").status_code
        for _ in range(6)
    }
    assert codes == {200}


def test_every_brands_contact_page_shares_one_count(world: World, settings: Any) -> None:
    settings.RAPPORT_RATE_CONTACT = "2/h"
    client = Client()
    client.post("/contact/", CALLBACK)
    client.post("/contact/", CALLBACK)
    assert client.post("/contact/any-brand/", CALLBACK).status_code == 429
