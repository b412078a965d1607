"""The account page: an agent's own API tokens (create, shown once, revoke) and sign-in code."""

from __future__ import annotations

import re

from django.test import Client

from rapport.people.actions.security import issue_api_token
from rapport.people.models import ApiToken
from tests.api.conftest import ApiClient
from tests.conftest import World
from tests.workspace.helpers import assert_login_required


def test_an_agent_creates_a_token_sees_it_once_and_it_works(world: World) -> None:
    client = world.client_for(world.agent)
    response = client.post("/account/tokens/", {"name": "CRM sync", "days": "30"})
    assert response.status_code == 201
    html = response.content.decode()
    raw = re.search(r'id="new-token" class="secret">(rp_[^<]+)<', html)
    assert raw is not None and "shown only this once" in html
    assert ApiClient(raw.group(1)).get("/agents/me").json()["username"] == "ana"
    again = client.get("/account/").content.decode()
    assert raw.group(1) not in again and "CRM sync" in again


def test_bad_input_keeps_what_was_typed(world: World) -> None:
    client = world.client_for(world.agent)
    response = client.post("/account/tokens/", {"name": "Export", "days": "0"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Export"' in html and "greater than or equal to 1" in html
    assert not ApiToken.objects.exists()


def test_an_agent_revokes_their_own_token_but_not_a_colleagues(world: World) -> None:
    mine = issue_api_token(agent=world.agent, name="Mine")
    bens = issue_api_token(agent=world.colleague, name="Ben's")
    client = world.client_for(world.agent)
    page = client.get("/account/").content.decode()
    assert "Mine" in page and "Ben&#x27;s" not in page and "Ben's" not in page
    response = client.post(f"/account/tokens/{mine.token.pk}/revoke/", follow=True)
    assert "no longer works" in response.content.decode()
    assert ApiClient(mine.raw).get("/agents/me").status_code == 401
    assert client.post(f"/account/tokens/{bens.token.pk}/revoke/").status_code == 404
    assert (
        world.client_for(world.outsider)
        .post(f"/account/tokens/{mine.token.pk}/revoke/")
        .status_code
        == 404
    )
    assert ApiClient(bens.raw).get("/agents/me").status_code == 200


def test_the_supervisor_sees_every_token_and_revokes_any(world: World) -> None:
    bens = issue_api_token(agent=world.colleague, name="Ben's script")
    client = world.client_for(world.supervisor)
    page = client.get("/supervisor/security/").content.decode()
    assert f'id="token-{bens.token.pk}"' in page and "Dr. Ben Hale" in page
    response = client.post(
        f"/account/tokens/{bens.token.pk}/revoke/", {"next": "/supervisor/security/"}
    )
    assert response.status_code == 302 and response["Location"] == "/supervisor/security/"
    assert ApiClient(bens.raw).get("/agents/me").status_code == 401


def test_revoking_does_not_redirect_elsewhere(world: World) -> None:
    mine = issue_api_token(agent=world.agent, name="Mine")
    response = world.client_for(world.agent).post(
        f"/account/tokens/{mine.token.pk}/revoke/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/account/"


def test_account_pages_need_a_signed_in_agent(world: World) -> None:
    assert_login_required("/account/")
    assert_login_required("/account/two-factor/")
    assert_login_required("/account/two-factor/qr.png")
    assert_login_required("/account/tokens/", method="post")
    assert Client().get("/account/tokens/1/revoke/").status_code in {302, 405}
    assert world.client_for(world.agent).get("/account/tokens/").status_code == 405


def test_the_account_page_says_whether_a_code_is_needed(world: World) -> None:
    html = world.client_for(world.agent).get("/account/").content.decode()
    assert 'id="setup-app"' in html
    html = world.client_for(world.supervisor).get("/account/").content.decode()
    assert 'id="replace-app"' in html
