from __future__ import annotations

from typing import Any

from rapport.cases.models import Case, CaseEvent
from rapport.triage.models import TriageCorrection
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World
from tests.triage.helpers import clinic_case


def test_not_urgent_is_201_with_the_correction(world: World, api: ApiClient) -> None:
    case = clinic_case(world)
    response = api.post(
        f"/cases/{case.pk}/triage/corrections", {"signal": "urgent", "value": False}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["signal"] == "urgent" and body["value"] is False
    assert body["agent"] == "Dr. Ana Ortiz" and body["agent_id"] == world.agent.pk
    assert body["message_id"] == case.messages.get().pk and body["case_id"] == case.pk
    assert Case.objects.get(pk=case.pk).priority == "normal"
    assert CaseEvent.objects.filter(case=case, kind="triage_corrected").count() == 1
    # Sent again (a retry): still one.
    again = api.post(f"/cases/{case.pk}/triage/corrections", {"signal": "urgent", "value": False})
    assert again.status_code == 201 and again.json()["id"] == body["id"]
    listed = api.get(f"/cases/{case.pk}/triage/corrections").json()
    assert [row["id"] for row in listed["items"]] == [body["id"]] and listed["next"] is None


def test_a_named_message_and_bad_input(world: World, api: ApiClient) -> None:
    case = clinic_case(world)
    url = f"/cases/{case.pk}/triage/corrections"
    message_id = case.messages.get().pk
    ok = api.post(url, {"signal": "upset", "value": True, "message_id": message_id})
    assert ok.status_code == 201 and ok.json()["message_id"] == message_id
    assert_error(api.post(url, {"signal": "sad", "value": True}), 422, "validation_error")
    assert_error(api.post(url, {"signal": "upset"}), 422, "validation_error", field="value")
    foreign = world.case.messages.get().pk  # a message of another case
    assert_error(
        api.post(url, {"signal": "upset", "value": True, "message_id": foreign}),
        400,
        "bad_request",
        field="message_id",
    )
    assert TriageCorrection.objects.count() == 1


def test_another_teams_agent_gets_404(world: World, api_as: Any) -> None:
    case = clinic_case(world)
    outsider: ApiClient = api_as(world.outsider)
    url = f"/cases/{case.pk}/triage/corrections"
    assert_error(outsider.post(url, {"signal": "urgent", "value": False}), 404, "not_found")
    assert_error(outsider.get(url), 404, "not_found")
    assert not TriageCorrection.objects.exists()
