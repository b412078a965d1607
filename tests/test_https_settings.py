"""RAPPORT_HTTPS and RAPPORT_PROXY_SSL_HEADER switch on HTTPS for production; off by default."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.test import Client

from tests.conftest import World

NAMES = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
)


def settings_with(**env: str) -> dict[str, object]:
    """The settings a fresh process reads from this environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("RAPPORT_H", "SECURE_"))}
    clean.pop("RAPPORT_PROXY_SSL_HEADER", None)
    script = (
        "import json, rapport.settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {NAMES!r}}}))"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", script],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1]}
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_embedded_default_is_plain_http() -> None:
    assert settings_with() == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
    }


def test_https_switches_on_redirect_hsts_and_secure_cookies() -> None:
    assert settings_with(
        RAPPORT_HTTPS="true",
        RAPPORT_PROXY_SSL_HEADER="X-Forwarded-Proto",
        RAPPORT_HSTS_INCLUDE_SUBDOMAINS="yes",
    ) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }
    assert (
        settings_with(RAPPORT_HTTPS="true", RAPPORT_HSTS_SECONDS="300")["SECURE_HSTS_SECONDS"]
        == 300
    )


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({"RAPPORT_HTTPS": "maybe"}, "RAPPORT_HTTPS='maybe' is not a boolean"),
        ({"RAPPORT_PROXY_SSL_HEADER": "X-Proto: https"}, "is not a header name"),
        ({"RAPPORT_HSTS_SECONDS": "-1"}, "RAPPORT_HSTS_SECONDS=-1 must be at least 0"),
    ],
)
def test_a_bad_value_stops_start_up(env: dict[str, str], error: str) -> None:
    assert error in str(settings_with(**env)["error"])


def test_behind_the_proxy_plain_http_is_redirected_and_https_gets_hsts(
    world: World, settings: object
) -> None:
    settings.SECURE_SSL_REDIRECT = True  # type: ignore[attr-defined]
    settings.SECURE_HSTS_SECONDS = 31_536_000  # type: ignore[attr-defined]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # type: ignore[attr-defined]
    client = Client()
    plain = client.get("/login/?next=/", headers={"X-Forwarded-Proto": "http"})
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/login/?next=/"
    secure = client.get("/login/", headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000"
