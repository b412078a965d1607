"""POST /mail/inbound/: providers' inbound webhooks, raw MIME with a shared secret."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client

from rapport.mail import views as mail_views
from rapport.mail.models import InboundEmail, InboundStatus
from tests.conftest import World
from tests.mail.intake_helpers import make_mail

pytestmark = pytest.mark.django_db
URL = "/mail/inbound/"
SECRET = "s3cret-shared-with-the-provider"


@pytest.fixture(autouse=True)
def _secret(settings: Any, tmp_path: Path) -> None:
    settings.RAPPORT_INBOUND_SECRET = SECRET
    settings.MEDIA_ROOT = tmp_path


def post(raw: bytes, *, auth: str | None = f"Bearer {SECRET}", **extra: Any) -> Any:
    headers = {"Authorization": auth} if auth is not None else {}
    # A machine posts without a CSRF token; the endpoint has its own authentication.
    client = Client(enforce_csrf_checks=True)
    return client.post(URL, data=raw, content_type="message/rfc822", headers=headers, **extra)


def test_disabled_without_a_secret(world: World, settings: Any) -> None:
    settings.RAPPORT_INBOUND_SECRET = ""
    assert post(make_mail(), auth="Bearer ").status_code == 404
    assert post(make_mail(), auth="Bearer anything").status_code == 404
    assert not InboundEmail.objects.exists()


@pytest.mark.parametrize(
    "auth",
    [None, "Bearer wrong", f"Bearer {SECRET}x", "Basic !!!", f"Token {SECRET}"],
    ids=["missing", "wrong", "longer", "bad-basic", "other-scheme"],
)
def test_a_wrong_secret_is_refused(world: World, auth: str | None) -> None:
    response = post(make_mail(), auth=auth)
    assert response.status_code == 403
    assert not InboundEmail.objects.exists()


def test_stores_the_exact_bytes_and_processes_them(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    raw = make_mail(subject="Webhook mail").replace(b"\n", b"\r\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            raw,
            HTTP_X_ENVELOPE_FROM="maria.lopez@example.com",
            HTTP_X_ENVELOPE_TO="support@clinic.example, other@clinic.example",
        )
    assert response.status_code == 202
    body = response.json()
    row = InboundEmail.objects.get(pk=body["id"])
    assert body["message_id"] == "<m1@mail.example.com>"
    assert bytes(row.raw) == raw
    assert row.source == "webhook"
    assert row.envelope_from == "maria.lopez@example.com"
    assert row.envelope_to == ["support@clinic.example", "other@clinic.example"]
    assert row.status == InboundStatus.PROCESSED
    assert row.customer_id == world.customer.pk


def test_basic_auth_with_the_secret_as_password(world: World) -> None:
    credentials = base64.b64encode(f"mailgun:{SECRET}".encode()).decode()
    assert post(make_mail(), auth=f"Basic {credentials}").status_code == 202


def test_a_raw_message_in_a_form_field_is_accepted(world: World) -> None:
    raw = make_mail(subject="SendGrid raw")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        URL,
        {"email": SimpleUploadedFile("email.eml", raw), "to": "support@clinic.example"},
        headers={"Authorization": f"Bearer {SECRET}"},
    )
    assert response.status_code == 202
    assert bytes(InboundEmail.objects.get().raw) == raw


def test_only_post(world: World) -> None:
    response = Client().get(URL, headers={"Authorization": f"Bearer {SECRET}"})
    assert response.status_code == 405


def test_an_empty_body_is_a_bad_request(world: World) -> None:
    assert post(b"  \r\n").status_code == 400
    assert not InboundEmail.objects.exists()


def test_too_big_is_413(world: World, settings: Any) -> None:
    settings.RAPPORT_INBOUND_MAX_BYTES = 2000
    response = post(make_mail(body="x" * 3000))
    assert response.status_code == 413
    assert not InboundEmail.objects.exists()


def test_database_unavailable_is_503_so_the_provider_retries(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(**kwargs: Any) -> InboundEmail:
        raise OperationalError("connection refused")

    monkeypatch.setattr(mail_views, "store_inbound_email", unavailable)
    response = post(make_mail())
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
