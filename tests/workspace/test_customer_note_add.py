from __future__ import annotations

from rapport.people.models import RapportNote
from tests.conftest import World
from tests.workspace.helpers import assert_login_required


def test_note_is_pinned_and_we_return_to_the_case(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/customers/{world.customer.pk}/notes/",
        {"text": "Puppy Mila, 10-week yellow lab", "next": f"/cases/{world.case.pk}/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/cases/{world.case.pk}/"
    assert "Puppy Mila, 10-week yellow lab" in response.content.decode()
    note = RapportNote.objects.get()
    assert note.pinned and note.author == world.agent


def test_empty_note_is_refused(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/customers/{world.customer.pk}/notes/", {"text": " "}, follow=True
    )
    assert "A rapport note needs some text." in response.content.decode()


def test_wrong_person_is_refused(world: World) -> None:
    url = f"/customers/{world.customer.pk}/notes/"
    assert world.client_for(world.outsider).post(url, {"text": "x"}).status_code == 404
    assert_login_required(url, method="post")
    assert not RapportNote.objects.exists()
