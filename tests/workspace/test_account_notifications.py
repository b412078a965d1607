"""The account page's email-notification choices (POST /account/notifications/)."""

from __future__ import annotations

from rapport.people.actions.notifications import Choice, choices_of, set_notification_choices
from rapport.people.models import NoticeKind, NotificationChoice
from tests.conftest import World
from tests.workspace.helpers import assert_login_required


def test_the_page_shows_every_kind_with_the_agents_choice(world: World) -> None:
    set_notification_choices(
        agent=world.agent, choices={"promise_due": Choice(email=True, even_off_shift=True)}
    )
    html = world.client_for(world.agent).get("/account/").content.decode()
    for kind in NoticeKind:
        assert kind.label in html
    assert 'name="email-promise_due" value="1" aria-labelledby="notice-promise_due" checked' in html
    assert 'name="email-assigned" value="1" aria-labelledby="notice-assigned">' in html
    assert "Europe/Madrid" in html


def test_an_agent_ticks_what_she_wants_emailed(world: World) -> None:
    world.agent.user.email = "ana@clinic.example"
    world.agent.user.save(update_fields=["email"])
    client = world.client_for(world.agent)
    response = client.post(
        "/account/notifications/",
        {"email-assigned": "1", "email-customer_wrote": "1", "off-shift-customer_wrote": "1"},
        follow=True,
    )
    html = response.content.decode()
    assert "we email ana@clinic.example when a case is assigned to you" in html
    assert choices_of(world.agent) == {
        NoticeKind.ASSIGNED: Choice(email=True),
        NoticeKind.CUSTOMER_WROTE: Choice(email=True, even_off_shift=True),
        NoticeKind.PROMISE_DUE: Choice(),
        NoticeKind.MAKE_GOOD_APPROVAL: Choice(),
    }
    # Unticking everything switches them off again.
    response = client.post("/account/notifications/", {}, follow=True)
    assert "nothing is emailed to you" in response.content.decode()
    assert not NotificationChoice.objects.filter(email=True).exists()


def test_without_an_address_the_agent_is_told_nothing_can_be_mailed(world: World) -> None:
    client = world.client_for(world.agent)
    assert 'id="no-email"' in client.get("/account/").content.decode()
    response = client.post("/account/notifications/", {"email-assigned": "1"}, follow=True)
    assert "your account has no email address" in response.content.decode()


def test_choices_are_per_agent(world: World) -> None:
    world.client_for(world.outsider).post("/account/notifications/", {"email-assigned": "1"})
    assert choices_of(world.agent)[NoticeKind.ASSIGNED] == Choice()
    assert choices_of(world.outsider)[NoticeKind.ASSIGNED] == Choice(email=True)


def test_anonymous_is_sent_to_sign_in(db: None) -> None:
    assert_login_required("/account/notifications/", method="post")
    assert not NotificationChoice.objects.exists()
