"""The account page's signature and photo (POST /account/signature/, /account/photo/,
/account/photo/remove/) and a colleague's photo (GET /agents/<id>/photo/)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from pytest_django.fixtures import Settings

from rapport.cases.actions.messages import reply
from rapport.people.models import initials
from tests.conftest import World
from tests.workspace.helpers import assert_login_required


@pytest.fixture(autouse=True)
def _files(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def image(fmt: str = "PNG", size: tuple[int, int] = (640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def upload(client: Client, data: bytes, name: str = "me.png") -> str:
    response = client.post(
        "/account/photo/", {"photo": SimpleUploadedFile(name, data)}, follow=True
    )
    return response.content.decode()


def test_her_signature_follows_her_name_on_every_reply(world: World) -> None:
    client = world.client_for(world.agent)
    response = client.post(
        "/account/signature/", {"signature": "Night Clinic  \n+34 911 000 111\n"}, follow=True
    )
    assert "Your signature is saved." in response.content.decode()
    world.agent.refresh_from_db()
    assert world.agent.signature == "Night Clinic\n+34 911 000 111"
    message = reply(case=world.case, text="Bring Mila in at 9.", by=world.agent)
    assert message.text.endswith("— Dr. Ana Ortiz\nNight Clinic\n+34 911 000 111")
    assert "+34 911 000 111</textarea>" in client.get("/account/").content.decode()


def test_a_signature_too_long_is_refused_and_the_old_one_kept(world: World) -> None:
    client = world.client_for(world.agent)
    response = client.post("/account/signature/", {"signature": "x" * 1001}, follow=True)
    assert "at most 1000 characters" in response.content.decode()
    world.agent.refresh_from_db()
    assert world.agent.signature == "Night Clinic · +34 911 234 567"


def test_a_photo_is_redrawn_as_a_small_png_and_served_to_signed_in_agents(world: World) -> None:
    client = world.client_for(world.agent)
    assert 'id="my-initials"' in client.get("/account/").content.decode()
    assert 'id="me-avatar" aria-hidden="true">AO</span>' in client.get("/").content.decode()
    assert "Your photo is saved." in upload(client, image("JPEG"), "me.jpg")
    world.agent.refresh_from_db()
    url = f"/agents/{world.agent.pk}/photo/"
    # A colleague of another team sees it too: the directory is the whole desk's.
    served = world.client_for(world.outsider).get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(b"".join(served.streaming_content))) as shown:  # type: ignore[attr-defined]
        assert (shown.format, shown.size) == ("PNG", (256, 256))
    assert f'id="my-photo" src="{url}"' in client.get("/account/").content.decode()
    assert f'id="me-avatar" src="{url}"' in client.get("/").content.decode()  # the header
    assert Client().get(url).status_code == 302  # anonymous: to the sign-in page
    assert client.get(f"/agents/{world.colleague.pk}/photo/").status_code == 404  # none
    assert client.get("/agents/99999/photo/").status_code == 404


def test_a_photo_whose_file_is_gone_is_a_404_not_an_error(world: World, tmp_path: Path) -> None:
    client = world.client_for(world.agent)
    upload(client, image())
    for stored in (tmp_path / "agents" / "photos").iterdir():
        stored.unlink()
    assert client.get(f"/agents/{world.agent.pk}/photo/").status_code == 404


def test_replacing_and_removing_leave_no_file_behind(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: object
) -> None:
    client = world.client_for(world.agent)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        upload(client, image())
        upload(client, image("WEBP"), "me.webp")
    assert len(list((tmp_path / "agents" / "photos").iterdir())) == 1
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post("/account/photo/remove/", follow=True)
    assert "your initials are shown instead" in response.content.decode()
    assert list((tmp_path / "agents" / "photos").iterdir()) == []
    assert client.get(f"/agents/{world.agent.pk}/photo/").status_code == 404


@pytest.mark.parametrize(
    ("data", "name", "said"),
    [
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "x.svg",
            "not an image Rapport can read",
        ),
        (b"GIF89a<script>alert(1)</script>", "x.gif", "not an image Rapport can read"),
        (b"%PDF-1.4 not an image", "x.png", "not an image Rapport can read"),
        (b"\\x89PNG" + b"0" * (2 * 1024 * 1024), "big.png", "larger than 2 MB"),
    ],
)
def test_what_is_not_a_photo_is_refused_and_nothing_changes(
    world: World, data: bytes, name: str, said: str
) -> None:
    client = world.client_for(world.agent)
    assert said in upload(client, data, name)
    world.agent.refresh_from_db()
    assert not world.agent.photo


def test_a_decompression_bomb_is_refused(world: World) -> None:
    bomb = image("PNG", (8000, 8000))  # 64 million pixels, a few hundred kB compressed
    assert len(bomb) < 2 * 1024 * 1024
    assert "The photo has too many pixels." in upload(world.client_for(world.agent), bomb)
    world.agent.refresh_from_db()
    assert not world.agent.photo


@pytest.mark.parametrize(
    ("name", "shown"),
    [("Dr. Ana Ortiz", "AO"), ("Sam", "S"), ("ben hale", "BH"), ("Dr.", "D"), ("  ", "?")],
)
def test_initials(name: str, shown: str) -> None:
    assert initials(name) == shown


def test_anonymous_is_sent_to_sign_in(db: None) -> None:
    for url in ("/account/signature/", "/account/photo/", "/account/photo/remove/"):
        assert_login_required(url, method="post")
