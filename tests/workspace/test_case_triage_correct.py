from __future__ import annotations

from rapport.cases.models import Case
from rapport.triage.models import TriageCorrection
from tests.conftest import World
from tests.triage.helpers import clinic_case
from tests.workspace.helpers import HTMX, assert_login_required


def test_agent_says_not_urgent_and_sees_who_corrected(world: World) -> None:
    case = clinic_case(world)
    client = world.client_for(world.agent)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="correct-urgent"' in page and ">Not urgent</button>" in page
    assert ">Was upset</button>" in page
    response = client.post(
        f"/cases/{case.pk}/triage/corrections/", {"signal": "urgent", "value": "false"}
    )
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Triage corrected: not urgent." in page
    assert "Urgent: no, corrected by Dr. Ana Ortiz" in page
    assert ">Was urgent</button>" in page
    assert Case.objects.get(pk=case.pk).priority == "normal"


def test_htmx_gets_the_refreshed_header(world: World) -> None:
    case = clinic_case(world)
    response = world.client_for(world.agent).post(
        f"/cases/{case.pk}/triage/corrections/", {"signal": "upset", "value": "true"}, headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Upset: yes, corrected by Dr. Ana Ortiz" in body
    assert "Triage corrected: was upset." in body


def test_supervisor_may_correct(world: World) -> None:
    case = clinic_case(world)
    response = world.client_for(world.supervisor).post(
        f"/cases/{case.pk}/triage/corrections/", {"signal": "urgent", "value": "false"}
    )
    assert response.status_code == 302
    assert TriageCorrection.objects.get().agent == world.supervisor


def test_bad_signal_is_refused(world: World) -> None:
    case = clinic_case(world)
    response = world.client_for(world.agent).post(
        f"/cases/{case.pk}/triage/corrections/", {"signal": "sad", "value": "true"}, headers=HTMX
    )
    assert response.status_code == 400
    assert not TriageCorrection.objects.exists()


def test_wrong_person_is_refused(world: World) -> None:
    case = clinic_case(world)
    url = f"/cases/{case.pk}/triage/corrections/"
    data = {"signal": "urgent", "value": "false"}
    assert world.client_for(world.outsider).post(url, data).status_code == 404
    assert_login_required(url, method="post")
    assert not TriageCorrection.objects.exists()
