from __future__ import annotations

from rapport.cases.models import Case, CaseEvent, Notification
from tests.conftest import World, clinic_case_of_a_stranger
from tests.workspace.helpers import HTMX, assert_login_required


def test_handover_to_another_agent_with_reason(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/owner/",
        {"owner": world.colleague.pk, "reason": "Mila's regular vet"},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Owner Dr. Ana Ortiz → Dr. Ben Hale" in html
        and "Dr. Ben Hale (Clinic) now owns case" in html
    )
    assert Case.objects.get(pk=world.case.pk).owner == world.colleague
    assert CaseEvent.objects.get(kind="assigned").reason == "Mila's regular vet"


def test_unknown_agent_is_refused(world: World) -> None:
    response = world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/owner/", {"owner": 999999}, headers=HTMX
    )
    assert response.status_code == 400
    assert "There is no agent #999999." in response.content.decode()


def test_wrong_person_is_refused(world: World) -> None:
    url = f"/cases/{world.case.pk}/owner/"
    response = world.client_for(world.outsider).post(url, {"owner": world.outsider.pk})
    assert response.status_code == 404
    assert_login_required(url, method="post")
    assert Case.objects.get(pk=world.case.pk).owner == world.agent


def test_handing_a_case_to_another_team_answers_success_and_what_happens_next(
    world: World,
) -> None:
    case = clinic_case_of_a_stranger(world)
    client = world.client_for(world.agent)
    response = client.post(
        f"/cases/{case.pk}/owner/",
        {"owner": world.outsider.pk, "reason": "A tooth, not a paw"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/"
    saved = Case.objects.get(pk=case.pk)
    assert (saved.owner, saved.team) == (world.outsider, world.dental)
    inbox = client.get("/").content.decode()
    assert "Olga Dent (Dental) now owns case #" in inbox
    assert "has been notified" in inbox and "you can no longer open it" in inbox
    assert Notification.objects.filter(agent=world.outsider, case=case).exists()
    assert world.client_for(world.outsider).get(f"/cases/{case.pk}/").status_code == 200


def test_handover_without_htmx_lands_on_the_inbox_with_the_notice(world: World) -> None:
    case = clinic_case_of_a_stranger(world)
    response = world.client_for(world.agent).post(
        f"/cases/{case.pk}/owner/", {"owner": world.outsider.pk}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/"
    assert "Olga Dent (Dental) now owns case #" in response.content.decode()


def test_handover_that_keeps_access_refreshes_the_case(world: World) -> None:
    # Ana is Maria's deputy: after handing Maria's case to the dental team she still opens it.
    response = world.client_for(world.agent).post(
        f"/cases/{world.case.pk}/owner/", {"owner": world.outsider.pk}, headers=HTMX
    )
    assert response.status_code == 200 and "HX-Redirect" not in response
    html = response.content.decode()
    assert "Olga Dent (Dental) now owns case #" in html
    assert "you still open it as the customer&#x27;s deputy" in html
