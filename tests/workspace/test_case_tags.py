from __future__ import annotations

from typing import Any

import pytest

from rapport.cases.actions.assignment import set_tags
from rapport.cases.models import Case
from rapport.lib.errors import ActionError
from rapport.routing.actions.opening import open_case
from tests.conftest import World
from tests.workspace.helpers import HTMX, assert_login_required


def test_tags_are_set(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/tags/", {"tags": "Follow-up, cough , "}, headers=HTMX
    )
    assert response.status_code == 200
    assert 'data-tag="follow-up"' in response.content.decode()
    # The page now shows these tags, so its next save changes only what is changed from them.
    assert 'id="tags-seen" value="cough, follow-up" hx-swap-oob="true"' in response.content.decode()
    assert 'id="tags-input" value="cough, follow-up"' in response.content.decode()
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


def test_more_tags_than_a_case_may_hold_are_refused_on_every_way_in(
    world: World, settings: Any
) -> None:
    settings.RAPPORT_CASE_MAX_TAGS = 5
    many = [f"tag{n}" for n in range(6)]
    response = world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/tags/", {"tags": ",".join(many)}, headers=HTMX
    )
    assert response.status_code == 400
    assert "A case holds at most 5 tags; 6 were given." in response.content.decode()
    assert Case.objects.get(pk=world.case.pk).tags == []
    with pytest.raises(ActionError, match="at most 5 tags"):
        set_tags(case=world.case, tags=many, by=world.agent)
    # Opening a case with them (the API's POST /cases, a call logged) is refused the same way.
    with pytest.raises(ActionError, match="at most 5 tags"):
        open_case(
            customer=world.customer,
            subject="Tagged",
            channel="phone",
            text="x",
            by=world.agent,
            tags=many,
        )
    assert not Case.objects.filter(subject="Tagged").exists()
    set_tags(case=world.case, tags=many[:5], by=world.agent)
    assert len(Case.objects.get(pk=world.case.pk).tags) == 5
