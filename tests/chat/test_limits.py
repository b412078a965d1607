"""The public chat API's limits: per client address and per conversation, explained when hit;
files past the size limit refused with a clear 413, files of a kind the chat does not take with
a clear 415, both before anything is stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rapport.chat.models import ChatEntry
from tests.chat.conftest import BASE, Visitor
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_new_chats_are_limited_per_address(world: World, settings: Any) -> None:
    settings.RAPPORT_RATE_CHAT_START = "2/h"
    visitor = Visitor()
    assert [visitor.start().status_code for _ in range(2)] == [201, 201]
    refused = visitor.start()
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "too fast" in refused.json()["error"]["message"]


def test_lines_are_limited_per_conversation(world: World, settings: Any) -> None:
    settings.RAPPORT_RATE_CHAT_CONVERSATION = "3/m"
    visitor = Visitor()
    token = visitor.start().json()["conversation"]
    codes = [visitor.say(token, f"line {i}").status_code for i in range(4)]
    assert codes == [201, 201, 201, 429]
    assert ChatEntry.objects.count() == 4  # the first line and three more; the refused one: none


def test_a_file_is_sent_and_one_too_large_is_refused_with_the_limit(
    world: World, settings: Any
) -> None:
    settings.RAPPORT_CHAT_ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
    visitor = Visitor()
    token = visitor.start().json()["conversation"]
    url = f"{BASE}/{token}/attachments"
    photo = SimpleUploadedFile("mila.jpg", b"\xff\xd8" + b"0" * 100, content_type="image/jpeg")
    assert visitor.client.post(url, {"file": photo}).json() == {"seq": 2}
    big = SimpleUploadedFile("x.pdf", b"0" * (2 * 1024 * 1024 + 1), content_type="application/pdf")
    refused = visitor.client.post(url, {"file": big})
    assert refused.status_code == 413
    assert refused.json()["error"] == {
        "code": "too_large",
        "message": "“x.pdf” is 2.0\xa0MB: files up to 2.0\xa0MB can be sent.",
        "field": "file",
    }
    assert visitor.client.post(url, {}).status_code == 422
    assert ChatEntry.objects.count() == 2


def test_a_file_of_a_kind_the_chat_does_not_take_is_refused_saying_which_kinds(
    world: World, settings: Any
) -> None:
    settings.RAPPORT_CHAT_ATTACHMENT_TYPES = ["jpg", "png", "pdf"]
    visitor = Visitor()
    token = visitor.start().json()["conversation"]
    url = f"{BASE}/{token}/attachments"
    for name, kind in (
        ("invoice.exe", "application/octet-stream"),
        ("page.html", "text/html"),
        ("drawing.svg", "image/svg+xml"),
        ("no-extension", "image/png"),  # the declared type does not make it a PNG
    ):
        sent = SimpleUploadedFile(name, b"MZ" + b"0" * 100, content_type=kind)
        refused = visitor.client.post(url, {"file": sent, "text": "Here it is"})
        assert refused.status_code == 415, name
        assert refused.json()["error"] == {
            "code": "unsupported_type",
            "message": f"“{name}” cannot be sent here: this chat takes JPG, PNG, PDF files.",
            "field": "file",
        }
    assert ChatEntry.objects.count() == 1  # nothing stored, not even the text sent with it
    upper = SimpleUploadedFile("SCAN.PDF", b"%PDF" + b"0" * 10, content_type="application/pdf")
    assert visitor.client.post(url, {"file": upper}).status_code == 201
