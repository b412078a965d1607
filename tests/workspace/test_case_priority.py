from __future__ import annotations

from rapport.cases.models import Case, CaseEvent
from tests.conftest import World
from tests.workspace.helpers import HTMX, assert_login_required


def test_priority_change_with_reason(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/priority/",
        {"priority": "urgent", "reason": "Breathing badly"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Priority Normal → Urgent" in response.content.decode()
    assert Case.objects.get(pk=world.case.pk).priority == "urgent"
    assert CaseEvent.objects.get(kind="priority").reason == "Breathing badly"


def test_unknown_priority_is_refused(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/priority/", {"priority": "whenever"}, headers=HTMX
    )
    assert response.status_code == 400 and "Priority" in response.content.decode()


def test_wrong_person_is_refused(world: World) -> None:
    url = f"/cases/{world.case.pk}/priority/"
    assert world.client_for(world.outsider).post(url, {"priority": "low"}).status_code == 404
    assert_login_required(url, method="post")
    assert Case.objects.get(pk=world.case.pk).priority == "normal"
