from __future__ import annotations

from rapport.cases.models import Call
from tests.conftest import World
from tests.workspace.helpers import HTMX, assert_login_required


def test_call_is_logged_with_minutes(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/call/",
        {
            "direction": "outbound",
            "outcome": "reached",
            "duration_minutes": "4",
            "phone": "+34612345678",
            "notes": "Meds are working",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Meds are working" in response.content.decode()
    call = Call.objects.get()
    assert (call.duration_seconds, call.agent, call.outcome) == (240, world.agent, "reached")
    world.case.refresh_from_db()
    assert world.case.first_response_at is not None


def test_bad_call_input_is_refused(world: World) -> None:
    client = world.client_for(world.agent)
    url = f"/cases/{world.case.pk}/call/"
    response = client.post(url, {"direction": "sideways", "outcome": "reached"}, headers=HTMX)
    assert response.status_code == 400 and "Direction" in response.content.decode()
    response = client.post(
        url, {"direction": "inbound", "outcome": "reached", "duration_minutes": "-3"}, headers=HTMX
    )
    assert response.status_code == 400
    assert not Call.objects.exists()


def test_wrong_person_is_refused(world: World) -> None:
    url = f"/cases/{world.case.pk}/call/"
    data = {"direction": "inbound", "outcome": "reached"}
    assert world.client_for(world.outsider).post(url, data).status_code == 404
    assert_login_required(url, method="post")
    assert not Call.objects.exists()
