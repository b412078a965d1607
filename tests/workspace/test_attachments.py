"""Attachments work and are safe: served to anyone who may see the case, always as downloads
with an inert content type and a name without a path; agents attach files to replies and notes
within clear limits; the original email is one click away."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.fixtures import Settings

from rapport.cases.models import Attachment, Message
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World
from tests.mail.intake_helpers import ingest, make_mail

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PAGE = b"<html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


@pytest.fixture(autouse=True)
def _files(settings: Settings, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path
    yield


def mailed(world: World) -> Message:
    result, _ = ingest(
        make_mail(
            attachments=[
                ("../../etc/passwd.png", "image/png", PNG),
                ("invoice.html", "text/html", PAGE),
                ("logo.svg", "image/svg+xml", SVG),
            ]
        )
    )
    assert result.case_id is not None
    return Message.objects.get(case_id=result.case_id, direction="in")


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_an_attachment_is_a_download_with_a_safe_name_and_type(world: World) -> None:
    message = mailed(world)
    png, page, svg = message.attachments.order_by("pk")
    assert png.filename == "passwd.png"
    client = world.client_for(world.colleague)  # Maria's own vet: the case is routed to him
    response = client.get(f"/attachments/{png.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="passwd.png"'
    assert _body(response) == PNG
    for hostile, payload in ((page, PAGE), (svg, SVG)):
        served = client.get(f"/attachments/{hostile.pk}/")
        assert served["Content-Type"] == "application/octet-stream"
        assert served["Content-Disposition"].startswith("attachment;")
        assert "sandbox" in served["Content-Security-Policy"]
        assert served["X-Content-Type-Options"] == "nosniff"
        assert _body(served) == payload


def test_the_wrong_person_gets_404_and_a_stranger_the_login(world: World) -> None:
    png = mailed(world).attachments.order_by("pk").first()
    assert png is not None
    assert world.client_for(world.outsider).get(f"/attachments/{png.pk}/").status_code == 404
    anonymous = world.client_for(world.outsider)
    anonymous.logout()
    assert anonymous.get(f"/attachments/{png.pk}/").status_code == 302
    api = ApiClient(world.token_for(world.outsider))
    assert_error(api.get(f"/attachments/{png.pk}"), 404, "not_found")


def test_the_timeline_links_each_file_and_the_original_email(world: World) -> None:
    message = mailed(world)
    page = world.client_for(world.colleague).get(f"/cases/{message.case_id}/").content.decode()
    for attachment in message.attachments.all():
        assert f'href="/attachments/{attachment.pk}/"' in page
    assert f'href="/mail/messages/{message.pk}/original/"' in page
    assert "/files/" not in page


def test_files_attached_to_a_reply_go_out_with_it(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = world.client_for(world.agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/cases/{world.case.pk}/reply/",
            {
                "text": "The X-ray is attached.",
                "channel": "email",
                "attachments": [SimpleUploadedFile("x-ray.png", PNG, "image/png")],
            },
        )
    assert response.status_code == 302
    [attachment] = Attachment.objects.all()
    assert attachment.filename == "x-ray.png" and attachment.size == len(PNG)
    [sent] = mail.outbox
    assert sent.attachments[0][0] == "x-ray.png"
    assert sent.attachments[0][1] == PNG


def test_a_note_keeps_its_files_for_agents(world: World) -> None:
    world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/note/",
        {"text": "Owner's photo", "attachments": [SimpleUploadedFile("cough.mp4", b"v" * 10)]},
    )
    note = Message.objects.get(direction="note")
    assert [a.filename for a in note.attachments.all()] == ["cough.mp4"]


def test_too_many_or_too_big_files_are_refused_and_nothing_is_lost(
    world: World, settings: Settings
) -> None:
    settings.RAPPORT_ATTACHMENTS_MAX_COUNT = 2
    settings.RAPPORT_ATTACHMENT_MAX_BYTES = 1024
    client = world.client_for(world.agent)
    files = [SimpleUploadedFile(f"f{i}.txt", b"x") for i in range(3)]
    response = client.post(
        f"/cases/{world.case.pk}/note/",
        {"text": "three files", "attachments": files},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert "At most 2 files a message; 3 were attached." in response.content.decode()
    big = SimpleUploadedFile("scan.pdf", b"x" * 2048, "application/pdf")
    response = client.post(
        f"/cases/{world.case.pk}/note/",
        {"text": "big", "attachments": [big]},
        headers={"HX-Request": "true"},
    )
    assert "scan.pdf is 2.0\xa0KB; a file may be at most 1.0\xa0KB" in response.content.decode()
    assert not Message.objects.filter(direction="note").exists()
    assert not Attachment.objects.exists()


def test_the_api_attaches_and_downloads(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    api = ApiClient(world.token_for(world.agent))
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/cases/{world.case.pk}/replies",
            {
                "text": "Attached.",
                "channel": "email",
                "attachments": [
                    {
                        "filename": "..\\\\report.pdf",
                        "content_type": "application/pdf",
                        "content_base64": base64.b64encode(b"%PDF-1.4").decode(),
                    }
                ],
            },
        )
    assert response.status_code == 201, response.content
    [out] = response.json()["attachments"]
    assert out["filename"] == "report.pdf"
    assert out["url"] == f"/api/v1/attachments/{out['id']}"
    download = api.get(out["url"])
    assert download.status_code == 200 and _body(download) == b"%PDF-1.4"
    bad = api.post(
        f"/cases/{world.case.pk}/notes",
        {"text": "x", "attachments": [{"filename": "a", "content_base64": "***"}]},
    )
    assert_error(bad, 400, "bad_request", field="attachments")


def test_the_api_refuses_more_files_than_a_message_may_carry_before_decoding_any(
    world: World,
) -> None:
    api = ApiClient(world.token_for(world.agent))
    one = {"filename": "a.txt", "content_base64": base64.b64encode(b"a").decode()}
    many = [one] * 11  # the default limit is 10 a message
    for path in (f"/cases/{world.case.pk}/replies", f"/cases/{world.case.pk}/notes"):
        response = api.post(path, {"text": "Files.", "attachments": many})
        assert_error(response, 422, "validation_error", field="attachments")
    assert not Message.objects.filter(case=world.case, text__startswith="Files.").exists()
