from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

from tests.conftest import PASSWORD, World


def test_sign_in_page_has_stable_fields(db: None) -> None:
    response = Client().get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_username"' in html and 'id="id_password"' in html and 'id="sign-in"' in html
    # The desk's own name, never the host name (testserver here).
    assert "<h1>Sign in to Rapport</h1>" in html and "testserver" not in html


def test_sign_in_lands_on_the_inbox(world: World) -> None:
    client = Client()
    response = client.post("/login/", {"username": "ana", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Dr. Ana Ortiz" in response.content.decode()


def test_wrong_password_is_refused_with_a_message(world: World) -> None:
    response = Client().post("/login/", {"username": "ana", "password": "nope"})
    assert response.status_code == 200
    assert 'id="login-error"' in response.content.decode()
    assert "_auth_user_id" not in Client().session


def test_sign_out_needs_post_and_ends_the_session(world: World) -> None:
    client = world.client_for(world.agent)
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/").status_code == 302


def test_anonymous_is_sent_to_sign_in(db: None) -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_user_without_agent_profile_gets_a_clear_403(db: None) -> None:
    user = get_user_model().objects.create_user(username="visitor", password=PASSWORD)
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 403
    assert "not as an agent" in response.content.decode()
    assert client.get("/customers/").status_code == 403
