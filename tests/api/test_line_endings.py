"""Every text the API stores has LF line endings, whatever a client sends."""

from __future__ import annotations

from rapport.cases.models import Call, Direction, Message, SavedReply
from tests.api.conftest import ApiClient
from tests.conftest import World

TYPED = "Mila ate tonight.\r\nStill coughing.\rCall back at 9."
STORED = "Mila ate tonight.\nStill coughing.\nCall back at 9."


def test_replies_notes_call_notes_and_saved_replies_are_stored_with_lf(
    world: World, api: ApiClient
) -> None:
    case = f"/cases/{world.case.pk}"
    assert api.post(f"{case}/replies", {"text": TYPED}).status_code == 201
    assert api.post(f"{case}/notes", {"text": TYPED}).status_code == 201
    call = {"direction": "outbound", "outcome": "reached", "notes": TYPED}
    assert api.post(f"{case}/calls", call).status_code == 201
    saved = {"title": "Cough", "text": TYPED, "team": world.clinic.pk}
    created = api.post("/saved-replies", saved)
    assert created.status_code == 201
    assert created.json()["text"] == STORED
    assert Message.objects.get(direction=Direction.OUTBOUND).text.startswith(STORED)
    assert Message.objects.get(direction=Direction.NOTE).text == STORED
    assert Call.objects.get().notes == STORED
    assert SavedReply.objects.get().text == STORED
