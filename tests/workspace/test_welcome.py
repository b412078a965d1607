"""/welcome/<token>/: an invited person chooses a password and is told it is set."""

from __future__ import annotations

from django.test import Client

from rapport.people.actions import staff
from rapport.people.invitations import invitation_token
from tests.conftest import World

NEW_PASSWORD = "a long new passphrase 42"


def test_the_next_page_says_the_password_is_set_and_how_to_sign_in(world: World) -> None:
    invitation = staff.invite_agent(email="kim@clinic.example", display_name="Kim Lee", by=None)
    response = Client().post(
        f"/welcome/{invitation_token(invitation)}/",
        {"password": NEW_PASSWORD, "again": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain == [("/login/", 302)]
    page = response.content.decode()
    assert 'id="flash"' in page
    assert "Your password is set." in page
    assert "Sign in as kim@clinic.example with your new password." in page
