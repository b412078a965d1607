"""A browser sends a textarea's lines as CRLF: every text the web stores has LF line endings."""

from __future__ import annotations

from rapport.cases.actions.saved_replies import create_saved_reply
from rapport.cases.models import Call, Direction, Message, SavedReply
from tests.conftest import World
from tests.workspace.helpers import HTMX

TYPED = "Mila ate tonight.\r\nStill coughing.\rCall back at 9."
STORED = "Mila ate tonight.\nStill coughing.\nCall back at 9."


def test_a_reply_a_note_and_call_notes_are_stored_with_lf(world: World) -> None:
    client = world.client_for(world.agent)
    case = f"/cases/{world.case.pk}"
    client.post(f"{case}/reply/", {"text": TYPED, "channel": "email"}, headers=HTMX)
    client.post(f"{case}/note/", {"text": TYPED}, headers=HTMX)
    client.post(
        f"{case}/call/",
        {"direction": "outbound", "outcome": "reached", "notes": TYPED},
        headers=HTMX,
    )
    assert Message.objects.get(direction=Direction.OUTBOUND).text.startswith(STORED)
    assert Message.objects.get(direction=Direction.NOTE).text == STORED
    assert Call.objects.get().notes == STORED


def test_a_saved_reply_is_stored_with_lf(world: World) -> None:
    world.client_for(world.agent).post(
        "/saved-replies/new/", {"title": "Cough", "text": TYPED, "team": world.clinic.pk}
    )
    assert SavedReply.objects.get().text == STORED


def test_a_saved_reply_sent_word_for_word_from_a_textarea_is_still_unedited(
    world: World,
) -> None:
    saved = create_saved_reply(title="Cough", text=STORED, team=world.clinic, brand=None, by=None)
    response = world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/reply/",
        {"text": TYPED, "channel": "email", "saved_reply_id": saved.pk},
        headers=HTMX,
    )
    assert response.status_code == 400
    assert "Make it personal before sending" in response.content.decode()
