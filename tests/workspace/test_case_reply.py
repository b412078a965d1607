from __future__ import annotations

from typing import Any

from django.core import mail
from django.test import Client

from rapport.cases.models import DeliveryStatus, Direction, Message, Status
from tests.conftest import World
from tests.workspace.helpers import HTMX, assert_login_required


def test_htmx_reply_is_signed_sent_and_returns_the_timeline(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = world.client_for(world.agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/cases/{world.case.pk}/reply/",
            {"text": "Honey in warm water tonight.", "channel": "email"},
            headers=HTMX,
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="timeline"')
    assert "Honey in warm water tonight.<br><br>— Dr. Ana Ortiz" in html
    assert 'id="case-header" class="case-header" data-status="waiting_customer"' in html
    assert 'hx-swap-oob="true"' in html and "Reply queued to go out by email." in html
    message = Message.objects.get(direction=Direction.OUTBOUND)
    assert message.author == world.agent and message.delivery_status == DeliveryStatus.SENT
    assert mail.outbox[0].to == ["maria.lopez@example.com"]


def test_plain_post_redirects_back_with_a_flash(world: World) -> None:
    client = world.client_for(world.agent)
    response = client.post(
        f"/cases/{world.case.pk}/reply/", {"text": "Hi", "channel": "email"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/cases/{world.case.pk}/"
    assert "Reply queued to go out by email." in response.content.decode()
    world.case.refresh_from_db()
    assert world.case.status == Status.WAITING_CUSTOMER


def test_empty_reply_shows_the_actions_message(world: World) -> None:
    client = world.client_for(world.agent)
    response = client.post(f"/cases/{world.case.pk}/reply/", {"text": "  "}, headers=HTMX)
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#case-alerts"
    assert "The message is empty." in response.content.decode()
    flashed = client.post(f"/cases/{world.case.pk}/reply/", {"text": ""}, follow=True)
    assert "The message is empty." in flashed.content.decode()
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_csrf_is_enforced(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.agent.user)
    assert client.post(f"/cases/{world.case.pk}/reply/", {"text": "Hi"}).status_code == 403


def test_wrong_person_is_refused(world: World) -> None:
    response = world.client_for(world.outsider).post(
        f"/cases/{world.case.pk}/reply/", {"text": "Hi"}
    )
    assert response.status_code == 404
    assert_login_required(f"/cases/{world.case.pk}/reply/", method="post")
    assert world.client_for(world.agent).get(f"/cases/{world.case.pk}/reply/").status_code == 405
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_the_same_reply_posted_twice_goes_to_the_customer_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """A double-submit (a second click, a resent form after a slow answer) carries the same
    text and the same newest message seen: the customer gets it once, the agent is told."""
    client = world.client_for(world.agent)
    seen = Message.objects.filter(case=world.case).latest("pk").pk
    form = {"text": "Honey in warm water tonight.", "channel": "email", "seen_message": seen}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/cases/{world.case.pk}/reply/", form)
        again = client.post(f"/cases/{world.case.pk}/reply/", form, follow=True)
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == 1
    assert len(mail.outbox) == 1
    assert "already sent this reply" in again.content.decode()
