from __future__ import annotations

from rapport.cases.actions.status import change_status
from rapport.cases.models import Case, CaseEvent, Status
from tests.conftest import World
from tests.workspace.helpers import HTMX, assert_login_required


def test_status_change_with_reason(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/status/",
        {"status": "resolved", "expected": "new", "reason": "Cough gone"},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Status New → Resolved" in html and "Cough gone" in html
    assert 'name="expected" value="resolved"' in html  # the refreshed header is current
    assert Case.objects.get(pk=world.case.pk).status == Status.RESOLVED
    assert CaseEvent.objects.get(kind="status").reason == "Cough gone"


def test_stale_status_change_is_a_clear_conflict(world: World) -> None:
    change_status(case=world.case, to=Status.OPEN, by=world.colleague)
    client = world.client_for(world.agent)
    url = f"/cases/{world.case.pk}/status/"
    response = client.post(url, {"status": "resolved", "expected": "new"}, headers=HTMX)
    assert response.status_code == 409
    assert "someone else changed it" in response.content.decode()
    flashed = client.post(url, {"status": "resolved", "expected": "new"}, follow=True)
    assert "someone else changed it" in flashed.content.decode()
    assert Case.objects.get(pk=world.case.pk).status == Status.OPEN


def test_disallowed_transition_is_refused(world: World) -> None:
    change_status(case=world.case, to=Status.CLOSED, by=world.agent)
    response = world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/status/", {"status": "open", "expected": "closed"}, headers=HTMX
    )
    assert response.status_code == 400 and "cannot become" in response.content.decode()


def test_wrong_person_is_refused(world: World) -> None:
    url = f"/cases/{world.case.pk}/status/"
    assert world.client_for(world.outsider).post(url, {"status": "closed"}).status_code == 404
    assert_login_required(url, method="post")
    assert Case.objects.get(pk=world.case.pk).status == Status.NEW
