"""One click on the case page revokes every status link sent for the case, audited."""

from __future__ import annotations

from django.test import Client

from rapport.cases.models import CaseEvent, CaseEventKind
from rapport.cases.status_links import status_link
from tests.conftest import World


def test_the_case_page_offers_revoking_and_one_click_does_it(world: World) -> None:
    link = "/" + status_link(world.case).url.split("/", 3)[3]
    client = world.client_for(world.agent)
    page = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert 'id="status-link-revoke"' in page
    response = client.post(f"/cases/{world.case.pk}/status-link/revoke/")
    assert response.status_code == 302
    followed = client.get(response["Location"]).content.decode()
    assert "Every status link sent for this case stopped working" in followed
    assert b'id="link-gone"' in Client().get(link).content
    event = CaseEvent.objects.get(case=world.case, kind=CaseEventKind.STATUS_LINK_REVOKED)
    assert event.actor == world.agent


def test_another_teams_agent_cannot_revoke(world: World) -> None:
    link = "/" + status_link(world.case).url.split("/", 3)[3]
    response = world.client_for(world.outsider).post(f"/cases/{world.case.pk}/status-link/revoke/")
    assert response.status_code == 404
    assert Client().get(link).status_code == 200
    assert Client().post(f"/cases/{world.case.pk}/status-link/revoke/").status_code == 302  # login
    assert not CaseEvent.objects.filter(kind=CaseEventKind.STATUS_LINK_REVOKED).exists()
