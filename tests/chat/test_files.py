"""Files on chat lines reach the other side: an agent's file on a chat reply is listed on the
line (`files`) and downloaded by the token holder only, served as a download like any file."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rapport.cases.actions.messages import reply
from rapport.cases.attachments import Upload
from rapport.cases.models import Attachment
from rapport.chat.models import Conversation
from tests.chat.conftest import BASE, Visitor
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_the_agents_file_is_listed_on_the_line_and_downloaded_with_the_token(
    world: World,
) -> None:
    visitor = Visitor()
    token = visitor.start("Can you send the dosage sheet?").json()["conversation"]
    case = Conversation.objects.get().case
    sheet = Upload(filename="dosage.pdf", content_type="application/pdf", data=b"%PDF-1.4 dose")
    reply(case=case, text="Here it is.", by=world.agent, channel="chat", attachments=[sheet])
    lines = visitor.read(token).json()["messages"]
    line = next(m for m in lines if m["text"].startswith("Here it is."))
    attachment = Attachment.objects.get(filename="dosage.pdf")
    assert line["files"] == [{"id": attachment.pk, "name": "dosage.pdf", "size": 13}]
    download = visitor.client.get(f"{BASE}/{token}/files/{attachment.pk}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 dose"  # type: ignore[attr-defined]
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    # Another visitor's browser, or a file that is not on this conversation: the same 404.
    stranger = Visitor()
    other = stranger.start("Hello").json()["conversation"]
    assert stranger.client.get(f"{BASE}/{token}/files/{attachment.pk}").status_code == 404
    assert stranger.client.get(f"{BASE}/{other}/files/{attachment.pk}").status_code == 404
    # The visitor's own file is listed on their line too.
    photo = SimpleUploadedFile("mila.jpg", b"\xff\xd8" + b"0" * 10, content_type="image/jpeg")
    visitor.client.post(f"{BASE}/{token}/attachments", {"file": photo})
    own = visitor.read(token).json()["messages"][-1]
    assert [f["name"] for f in own["files"]] == ["mila.jpg"]
    page = visitor.client.get("/chat/")
    assert page.status_code == 200
