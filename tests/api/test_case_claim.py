"""POST /cases/{id}/claim: assign to me, audited; the wrong person gets a 404."""

from __future__ import annotations

from typing import Any

from rapport.cases.models import Case, CaseEvent, CaseEventKind
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World
from tests.workspace.helpers import make_cases


def test_claim_a_colleagues_case(world: World, api: ApiClient) -> None:
    (case,) = make_cases(world, 1, owners=[world.colleague])
    response = api.post(f"/cases/{case.pk}/claim")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["owner"]["id"] == world.agent.pk
    assert body["you_can_open"] is True
    assert body["what_next"].startswith(f"Dr. Ana Ortiz (Clinic) now owns case #{case.pk}")
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.ASSIGNED)
    assert event.actor == world.agent


def test_claiming_your_own_case_changes_nothing(world: World, api: ApiClient) -> None:
    assert api.post(f"/cases/{world.case.pk}/claim").status_code == 200
    assert not CaseEvent.objects.filter(case=world.case, kind=CaseEventKind.ASSIGNED).exists()


def test_the_outsider_gets_a_404(world: World, api_as: Any) -> None:
    assert_error(api_as(world.outsider).post(f"/cases/{world.case.pk}/claim"), 404, "not_found")
    assert Case.objects.get(pk=world.case.pk).owner == world.agent
