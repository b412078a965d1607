"""Assign to me: from the inbox and the case page, audited like any handover."""

from __future__ import annotations

from django.contrib.messages import get_messages

from rapport.cases.models import Case, CaseEvent, CaseEventKind
from tests.conftest import World
from tests.workspace.helpers import assert_login_required, make_cases


def _flashed(response: object) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def test_claim_from_the_inbox_comes_back_to_the_inbox(world: World) -> None:
    (case,) = make_cases(world, 1, owners=[world.colleague])
    client = world.client_for(world.agent)
    html = client.get("/?view=team").content.decode()
    assert f'action="/cases/{case.pk}/claim/"' in html
    # Her own cases have no "Assign to me".
    assert f'action="/cases/{world.case.pk}/claim/"' not in html
    response = client.post(f"/cases/{case.pk}/claim/", {"next": "/?view=team"})
    assert response["Location"] == "/?view=team"
    assert _flashed(response) == [f"Case #{case.pk} is yours now."]
    assert Case.objects.get(pk=case.pk).owner == world.agent
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.ASSIGNED)
    assert (event.actor, event.before["owner"], event.after["owner"]) == (
        world.agent,
        world.colleague.pk,
        world.agent.pk,
    )


def test_claim_on_the_case_page(world: World) -> None:
    (case,) = make_cases(world, 1, owners=[world.colleague])
    client = world.client_for(world.agent)
    assert 'id="claim"' in client.get(f"/cases/{case.pk}/").content.decode()
    response = client.post(f"/cases/{case.pk}/claim/")
    assert response["Location"] == f"/cases/{case.pk}/"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="claim"' not in page
    assert "Owner Dr. Ben Hale → Dr. Ana Ortiz" in page


def test_claiming_your_own_case_changes_nothing(world: World) -> None:
    response = world.client_for(world.agent).post(f"/cases/{world.case.pk}/claim/")
    assert _flashed(response) == [f"Case #{world.case.pk} was already yours."]
    assert not CaseEvent.objects.filter(case=world.case, kind=CaseEventKind.ASSIGNED).exists()


def test_the_wrong_person_is_refused(world: World) -> None:
    url = f"/cases/{world.case.pk}/claim/"
    assert world.client_for(world.outsider).post(url).status_code == 404
    assert_login_required(url, method="post")
    assert Case.objects.get(pk=world.case.pk).owner == world.agent


def test_a_supervisor_may_claim(world: World) -> None:
    (case,) = make_cases(world, 1, owners=[world.colleague])
    world.clinic.members.add(world.supervisor)
    world.client_for(world.supervisor).post(f"/cases/{case.pk}/claim/")
    assert Case.objects.get(pk=case.pk).owner == world.supervisor
