"""Nothing is marked "Sent" that went nowhere: a reply goes out only by a channel something
carries (email), the composer offers only those, and a channel with no transport says so."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from rapport.cases.actions.messages import reply
from rapport.cases.models import Case, DeliveryStatus, Direction, Message
from rapport.lib.errors import ActionError
from rapport.mail.tasks import deliver_message
from rapport.people.actions.customers import create_customer
from rapport.routing.actions.opening import open_case
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World


def chat_case(world: World) -> Case:
    return open_case(
        customer=world.customer,
        subject="",
        channel="chat",
        text="Is Mila's cough normal?",
        by=None,
    )


def test_a_reply_on_a_chat_case_without_a_conversation_goes_by_email(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    case = chat_case(world)
    with django_capture_on_commit_callbacks(execute=True):
        message = reply(case=case, text="A little honey helps.", by=world.agent)
    message.refresh_from_db()
    assert message.channel == "email" and message.delivery_status == DeliveryStatus.SENT
    assert mail.outbox[0].to == ["maria.lopez@example.com"]


@pytest.mark.parametrize("channel", ["sms", "web"])
def test_a_reply_asked_for_on_a_channel_with_no_transport_is_refused(
    world: World, channel: str
) -> None:
    with pytest.raises(ActionError, match=f"cannot send by {channel}.*Reply by email"):
        reply(case=world.case, text="Hello", by=world.agent, channel=channel)
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_a_social_reply_on_a_case_with_no_mastodon_post_is_refused(world: World) -> None:
    # Social carries Mastodon and Bluesky replies only (tests/social/test_*_replies.py).
    with pytest.raises(ActionError, match=r"no Mastodon or Bluesky post to reply to\. Reply by"):
        reply(case=world.case, text="Hello", by=world.agent, channel="social")
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_a_chat_reply_on_a_case_without_a_conversation_is_refused(world: World) -> None:
    with pytest.raises(ActionError, match=r"no open chat to reply in\. Reply by email"):
        reply(case=world.case, text="Hello", by=world.agent, channel="chat")
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_a_customer_nothing_can_reach_is_to_be_called(world: World) -> None:
    phone_only = create_customer(
        name="Tom Reed", by=None, identities=[("phone", "+44 20 7946 0958")]
    )
    case = open_case(customer=phone_only, subject="", channel="phone", text="Toothache", by=None)
    with pytest.raises(ActionError, match=r"no way to write to Tom.*Call them on \+442079460958"):
        reply(case=case, text="Hello", by=world.agent)
    page = world.client_for(world.agent).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="reply-unavailable"' in page and 'href="tel:+442079460958"' in page
    assert 'id="reply-form"' not in page


def test_a_queued_message_on_a_channel_with_no_transport_is_never_marked_sent(
    world: World,
) -> None:
    legacy = Message.objects.create(
        case=world.case,
        customer=world.customer,
        direction=Direction.OUTBOUND,
        channel="sms",
        author=world.agent,
        text="Hello",
        delivery_status=DeliveryStatus.QUEUED,
    )
    assert deliver_message.call(legacy.pk) == "not_sent"
    legacy.refresh_from_db()
    assert legacy.delivery_status == DeliveryStatus.NOT_SENT
    assert "no sms transport" in legacy.delivery_error
    page = world.client_for(world.agent).get(f"/cases/{world.case.pk}/").content.decode()
    assert 'data-delivery="not_sent">Logged, not sent<' in page


def test_the_composer_offers_only_channels_that_carry_and_says_why(
    world: World, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    case = chat_case(world)
    client = world.client_for(world.agent)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert '<option value="email">Email</option>' in page
    assert '<option value="chat">' not in page
    assert "This case has no open chat: this reply goes by email." in page
    # The embedded desk prints mail to the console: the agent is told, not shown a false Sent.
    assert "email is printed to the server console, not delivered" in page
    # With an SMTP host it is not said, whenever the apps were made ready (they are made ready
    # again when the installed apps change, under the settings of that moment).
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert "server console" not in client.get(f"/cases/{case.pk}/").content.decode()
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS]
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert "server console" in client.get(f"/cases/{case.pk}/").content.decode()


def test_the_api_refuses_a_channel_with_no_transport_with_a_clear_error(world: World) -> None:
    api = ApiClient(world.token_for(world.agent))
    response = api.post(f"/cases/{world.case.pk}/replies", {"text": "Hi", "channel": "sms"})
    error = assert_error(response, 400, "bad_request", field="channel")
    assert "cannot send by sms" in error["message"]
