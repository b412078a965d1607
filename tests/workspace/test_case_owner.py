from __future__ import annotations

from rapport.cases.models import Case, CaseEvent
from tests.conftest import World
from tests.workspace.helpers import HTMX, assert_login_required


def test_handover_to_another_agent_with_reason(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/owner/",
        {"owner": world.colleague.pk, "reason": "Mila's regular vet"},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Owner Dr. Ana Ortiz → Dr. Ben Hale" in html and "Dr. Ben Hale now owns" in html
    assert Case.objects.get(pk=world.case.pk).owner == world.colleague
    assert CaseEvent.objects.get(kind="assigned").reason == "Mila's regular vet"


def test_unknown_agent_is_refused(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/owner/", {"owner": 999999}, headers=HTMX
    )
    assert response.status_code == 400 and "no such agent" in response.content.decode()


def test_wrong_person_is_refused(world: World) -> None:
    url = f"/cases/{world.case.pk}/owner/"
    response = world.client_for(world.outsider).post(url, {"owner": world.outsider.pk})
    assert response.status_code == 404
    assert_login_required(url, method="post")
    assert Case.objects.get(pk=world.case.pk).owner == world.agent
