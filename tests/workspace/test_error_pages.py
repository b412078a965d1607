"""403 and 404 answer in the desk's own look, say what happened and offer a way back; under
/api/v1/ they answer in the API's JSON error shape."""

from __future__ import annotations

import re

from django.test import Client

from tests.conftest import World, clinic_case_of_a_stranger
from tests.workspace.helpers import HTMX


def _without_csrf(html: str) -> str:
    return re.sub(r'"X-CSRFToken": "[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def _styled(html: str) -> None:
    assert "/static/workspace/workspace.css" in html
    assert 'class="topbar"' in html


def test_a_case_of_another_team_is_a_styled_404_like_a_missing_one(world: World) -> None:
    case = clinic_case_of_a_stranger(world)
    client = world.client_for(world.outsider)
    theirs = client.get(f"/cases/{case.pk}/")
    missing = client.get("/cases/999999/")
    assert theirs.status_code == missing.status_code == 404
    html = theirs.content.decode()
    _styled(html)
    assert "<title>Not found" in html
    assert "does not exist, or it is not yours to open" in html
    assert 'href="/" id="back-to-inbox"' in html
    # Word for word the same as for a case that does not exist (bar the per-response CSRF mask).
    assert _without_csrf(html) == _without_csrf(missing.content.decode())
    assert "Limping" not in html


def test_a_missing_page_for_someone_signed_out_offers_sign_in(db: None) -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    _styled(html)
    assert 'href="/login/"' in html


def test_forbidden_is_a_styled_403_with_the_reason(world: World) -> None:
    response = world.client_for(world.agent).post("/outreach/new/", {"title": "Outage"})
    assert response.status_code == 403
    html = response.content.decode()
    _styled(html)
    assert "<title>Not allowed" in html and "Only a supervisor can do this." in html
    assert 'id="back-to-inbox"' in html


def test_an_htmx_request_gets_a_short_notice_in_the_flash_area(world: World) -> None:
    case = clinic_case_of_a_stranger(world)
    response = world.client_for(world.outsider).post(
        f"/cases/{case.pk}/note/", {"text": "hi"}, headers=HTMX
    )
    assert response.status_code == 404
    assert response["HX-Retarget"] == "#flash" and response["HX-Reswap"] == "innerHTML"
    html = response.content.decode()
    assert "<html" not in html and "not yours to open" in html


def test_under_the_api_a_missing_path_answers_json(world: World) -> None:
    response = world.client_for(world.agent).get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"
