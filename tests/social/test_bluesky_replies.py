"""A reply on a Bluesky case is posted on Bluesky in the customer's thread (reply root and
parent), by the agent's name, once (a record key made from the outbox message), and is "Sent"
only when the PDS answered with the post."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from rapport.cases.models import Case, DeliveryStatus, Message
from rapport.people.models import Brand
from rapport.social import bluesky
from rapport.social.actions.ingest import IncomingPost, ingest_post
from rapport.social.models import ResponseKind, SocialPost, SocialResponse
from rapport.social.polling import poll_bluesky
from tests.api.conftest import assert_error
from tests.conftest import World
from tests.social.fake_bluesky import DESK_DID, FakeBluesky
from tests.social.fake_mastodon import Failure
from tests.social.posts import reply_by_api

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def thread_case(pds: FakeBluesky) -> tuple[Case, dict[str, Any], dict[str, Any]]:
    """Maria's post and her reply to it in the same thread, taken in as one case."""
    root = pds.notify("@clinic.bsky.social my card was charged twice")
    latest = pds.notify("still nothing", reason="reply", reply_to=root)
    poll_bluesky(now=NOW)
    case = SocialPost.objects.get(post_id=latest["uri"]).case
    assert case is not None
    return case, root, latest


def test_a_reply_is_posted_in_the_customers_thread_by_name(
    pds: FakeBluesky, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    case, root, latest = thread_case(pds)

    response = reply_by_api(world, case, django_capture_on_commit_callbacks)

    assert response.status_code == 201, response.content
    message = Message.objects.get(pk=response.json()["id"])
    assert message.delivery_status == DeliveryStatus.SENT, message.delivery_error
    [created] = pds.created
    assert created["repo"] == DESK_DID and created["collection"] == "app.bsky.feed.post"
    record = created["record"]
    assert record["reply"] == {
        "root": {"uri": root["uri"], "cid": root["cid"]},
        "parent": {"uri": latest["uri"], "cid": latest["cid"]},
    }
    assert record["text"].startswith("Refunded today, sorry for the wait.")
    assert record["text"].endswith("— Dr. Ana Ortiz\nNight Clinic · +34 911 234 567")
    [recorded] = SocialResponse.objects.filter(case=case)
    assert recorded.kind == ResponseKind.PUBLIC_REPLY and recorded.agent == world.agent
    assert recorded.url == f"https://bsky.app/profile/clinic.bsky.social/post/{created['rkey']}"


def test_a_lost_answer_is_found_on_retry_and_posted_once(
    pds: FakeBluesky,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    case, _, _ = thread_case(pds)
    monkeypatch.setattr(bluesky, "TIMEOUT", (2.0, 1.0))
    # getPosts and getRecord answer; the post is made but its answer comes too late.
    pds.fail_next(None, None, Failure(after=True, delay=3.0))

    response = reply_by_api(world, case, django_capture_on_commit_callbacks)

    message = Message.objects.get(pk=response.json()["id"])
    assert message.delivery_status == DeliveryStatus.SENT, message.delivery_error
    assert message.delivery_attempts >= 2
    assert len(pds.created) == 1  # the retry found the post under its key
    assert SocialResponse.objects.filter(case=case).count() == 1


def test_a_5xx_is_retried_by_the_outbox(
    pds: FakeBluesky, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    case, _, _ = thread_case(pds)
    pds.fail_next(Failure(status=502))
    response = reply_by_api(world, case, django_capture_on_commit_callbacks)
    message = Message.objects.get(pk=response.json()["id"])
    assert message.delivery_status == DeliveryStatus.SENT and message.delivery_attempts == 2
    assert len(pds.created) == 1


def test_a_deleted_post_fails_the_reply_clearly(
    pds: FakeBluesky, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    case, _, latest = thread_case(pds)
    del pds.posts[latest["uri"]]
    response = reply_by_api(world, case, django_capture_on_commit_callbacks)
    message = Message.objects.get(pk=response.json()["id"])
    assert message.delivery_status == DeliveryStatus.FAILED
    assert "was deleted or is hidden" in message.delivery_error
    assert pds.created == [] and not SocialResponse.objects.filter(case=case).exists()


def test_a_reply_too_long_for_bluesky_is_refused_before_queueing(
    pds: FakeBluesky, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    case, _, _ = thread_case(pds)
    response = reply_by_api(world, case, django_capture_on_commit_callbacks, text="word " * 55)
    error = assert_error(response, 400, "bad_request", field="text")
    assert "Bluesky takes 300 characters" in error["message"]
    assert not Message.objects.filter(case=case, direction="out").exists()


def test_the_case_page_offers_social_on_a_bluesky_case(
    pds: FakeBluesky, world: World, settings: Settings
) -> None:
    case, _, _ = thread_case(pds)
    client = world.client_for(world.agent)
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    assert b'value="social"' in page.content
    settings.RAPPORT_BLUESKY_HANDLE = ""  # Bluesky no longer set up: not offered
    assert b'value="social"' not in client.get(f"/cases/{case.pk}/").content


def test_one_business_bluesky_account_does_not_answer_another_business_post(
    pds: FakeBluesky, settings: Settings, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    Brand.objects.create(name="Night Clinic", slug="night")
    dental = Brand.objects.create(name="Dental", slug="dental")
    settings.RAPPORT_BLUESKY_BRAND = "night"
    post = pds.notify("@dental.example my crown fell off")  # on Bluesky, to the dentist
    dentists = ingest_post(
        post=IncomingPost(
            platform="bluesky",
            post_id=post["uri"],
            author_handle="maria.bsky.social",
            author_name="Maria",
            text="my crown fell off",
            url="https://bsky.app/profile/maria.bsky.social/post/1",
            posted_at=NOW,
        ),
        source="webhook",
        brand=dental,
    )
    # Dr. Ortiz stands in for the dentist today: she may answer the case.
    Case.objects.filter(pk=dentists.case.pk).update(owner=world.agent, team=world.clinic)

    response = reply_by_api(world, dentists.case, django_capture_on_commit_callbacks)

    assert_error(response, 400, "bad_request", field="channel")
    assert pds.created == []  # the night clinic's account never answered the dentist's customer
