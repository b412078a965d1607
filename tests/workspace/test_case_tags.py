from __future__ import annotations

from rapport.cases.models import Case
from tests.conftest import World
from tests.workspace.helpers import HTMX, assert_login_required


def test_tags_are_set(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/tags/", {"tags": "Follow-up, cough , "}, headers=HTMX
    )
    assert response.status_code == 200
    assert 'data-tag="follow-up"' in response.content.decode()
    assert Case.objects.get(pk=world.case.pk).tags == ["cough", "follow-up"]


def test_overlong_tag_is_refused(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/tags/", {"tags": "x" * 60}, headers=HTMX
    )
    assert response.status_code == 400 and "under 50 characters" in response.content.decode()


def test_wrong_person_is_refused(world: World) -> None:
    url = f"/cases/{world.case.pk}/tags/"
    assert world.client_for(world.outsider).post(url, {"tags": "spam"}).status_code == 404
    assert_login_required(url, method="post")
    assert Case.objects.get(pk=world.case.pk).tags == []
