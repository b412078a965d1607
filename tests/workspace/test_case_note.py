from __future__ import annotations

from rapport.cases.models import Direction, Message
from tests.conftest import World
from tests.workspace.helpers import HTMX, assert_login_required


def test_note_is_added_to_the_timeline(world: World) -> None:
    response = world.client_for(world.colleague).post(
        f"/cases/{world.case.pk}/note/", {"text": "Owner sounded <worried>"}, headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "direction-note" in html and "Owner sounded &lt;worried&gt;" in html
    note = Message.objects.get(direction=Direction.NOTE)
    assert note.author == world.colleague


def test_empty_note_is_refused(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/note/", {"text": ""}, headers=HTMX
    )
    assert response.status_code == 400 and "empty" in response.content.decode()


def test_wrong_person_is_refused(world: World) -> None:
    url = f"/cases/{world.case.pk}/note/"
    assert world.client_for(world.outsider).post(url, {"text": "x"}).status_code == 404
    assert_login_required(url, method="post")
    assert not Message.objects.filter(direction=Direction.NOTE).exists()
