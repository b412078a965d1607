"""A reply on a Mastodon case is posted on Mastodon, as an answer to the customer's latest post,
once (Idempotency-Key), and is "Sent" only when Mastodon answered with the status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.fixtures import Settings

from rapport.cases import transports
from rapport.cases.actions.messages import reply
from rapport.cases.models import Case, CaseEvent, DeliveryStatus, Message
from rapport.jobs.scheduler import run_sweeps
from rapport.social import mastodon
from rapport.social.actions.ingest import IncomingPost, ingest_post
from rapport.social.models import ResponseKind, SocialPost, SocialResponse
from rapport.social.polling import poll_accounts
from rapport.surveys.models import SkipReason, SurveyStatus
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import World
from tests.social.fake_mastodon import Failure, FakeMastodon
from tests.social.posts import reply_by_api
from tests.surveys.conftest import helped_and_resolved, sweep_at

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def mentioned_case(fake: FakeMastodon, *, visibility: str = "public") -> tuple[Case, str]:
    """A customer's two posts, the second answering the first, taken in as one case."""
    first = fake.mention("<p>@brand my card was charged twice</p>", visibility=visibility)
    fake.mention(
        "<p>@brand still nothing</p>",
        in_reply_to_id=first["status"]["id"],
        visibility=visibility,
    )
    poll_accounts(now=NOW)
    latest = fake.notifications[-1]["status"]["id"]
    return SocialPost.objects.get(post_id=latest).case, latest  # type: ignore[return-value]


def test_a_reply_is_posted_to_the_customers_latest_post(
    fake: FakeMastodon, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    case, latest = mentioned_case(fake, visibility="unlisted")
    fake.requests.clear()

    response = reply_by_api(world, case, django_capture_on_commit_callbacks)

    assert response.status_code == 201, response.content
    message = Message.objects.get(pk=response.json()["id"])
    assert message.delivery_status == DeliveryStatus.SENT, message.delivery_error
    [posted] = fake.posted
    assert posted["key"] == f"rapport-message-{message.pk}"
    assert posted["form"]["in_reply_to_id"] == latest
    assert posted["form"]["visibility"] == "unlisted"  # the customer's post's own
    assert posted["form"]["status"].startswith("@alice@elsewhere.example Refunded today")
    assert posted["form"]["status"].endswith("— Dr. Ana Ortiz\nNight Clinic · +34 911 234 567")
    [recorded] = SocialResponse.objects.filter(case=case)
    assert recorded.kind == ResponseKind.PUBLIC_REPLY and recorded.agent == world.agent
    assert recorded.url == f"https://social.example/@brand/{posted['id']}"
    assert CaseEvent.objects.filter(case=case, kind="social_response").count() == 1


def test_a_lost_answer_is_retried_with_the_same_key_and_posts_once(
    fake: FakeMastodon,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    case, _ = mentioned_case(fake)
    monkeypatch.setattr(mastodon, "TIMEOUT", (2.0, 1.0))
    # The status lookup answers; the post is made but its answer comes too late (generous
    # margins: 2 cores run 9 engineers' tests).
    fake.fail_next(None, Failure(after=True, delay=3.0))

    response = reply_by_api(world, case, django_capture_on_commit_callbacks)

    message = Message.objects.get(pk=response.json()["id"])
    assert message.delivery_status == DeliveryStatus.SENT, message.delivery_error
    # The fake answers one request at a time: the retry's lookup may itself wait out the late
    # answer and time out once more before the post is asked again.
    assert message.delivery_attempts >= 2
    posts = [
        r for r in fake.requests if r.startswith("/api/v1/statuses?") or r == "/api/v1/statuses"
    ]
    assert len(posts) == 2 and len(fake.posted) == 1  # the post asked twice, one status
    assert SocialResponse.objects.filter(case=case).count() == 1


def test_a_5xx_is_retried_by_the_outbox(
    fake: FakeMastodon, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    case, _ = mentioned_case(fake)
    fake.fail_next(Failure(status=502))
    response = reply_by_api(world, case, django_capture_on_commit_callbacks)
    message = Message.objects.get(pk=response.json()["id"])
    assert message.delivery_status == DeliveryStatus.SENT and message.delivery_attempts == 2
    assert len(fake.posted) == 1


def test_a_deleted_post_fails_the_reply_clearly(
    fake: FakeMastodon, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    case, latest = mentioned_case(fake)
    del fake.statuses[latest]
    response = reply_by_api(world, case, django_capture_on_commit_callbacks)
    message = Message.objects.get(pk=response.json()["id"])
    assert message.delivery_status == DeliveryStatus.FAILED
    assert "was deleted or is hidden" in message.delivery_error
    assert fake.posted == [] and not SocialResponse.objects.filter(case=case).exists()


def test_a_refusal_fails_the_reply_with_mastodons_reason(
    fake: FakeMastodon, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    case, _ = mentioned_case(fake)
    fake.fail_next(
        None,
        Failure(
            status=422,
            body='{"error": "Validation failed: Text is too long"}',
            content_type="application/json",
        ),
    )
    response = reply_by_api(world, case, django_capture_on_commit_callbacks)
    message = Message.objects.get(pk=response.json()["id"])
    assert message.delivery_status == DeliveryStatus.FAILED and message.delivery_attempts == 1
    assert "Mastodon refused the reply" in message.delivery_error
    assert "422: Validation failed: Text is too long" in message.delivery_error


def test_a_reply_too_long_for_mastodon_is_refused_before_queueing(
    fake: FakeMastodon, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    case, _ = mentioned_case(fake)
    response = reply_by_api(world, case, django_capture_on_commit_callbacks, text="word " * 100)
    error = assert_error(response, 400, "bad_request", field="text")
    assert "Mastodon takes 500 characters" in error["message"]
    assert not Message.objects.filter(case=case, direction="out").exists()


def test_a_platform_with_no_transport_is_never_sent(
    fake: FakeMastodon, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    review = ingest_post(
        post=IncomingPost(
            platform="trustpilot",
            post_id="tp-1",
            author_handle="hana",
            author_name="Hana",
            text="Two stars: slow refund.",
            url="https://trustpilot.example/r/1",
            posted_at=NOW,
            rating=2,
        ),
        source="webhook",
    )
    response = reply_by_api(world, review.case, django_capture_on_commit_callbacks)
    error = assert_error(response, 400, "bad_request", field="channel")
    assert "Rapport cannot post on trustpilot: answer there by name" in error["message"]
    assert fake.posted == []
    assert not Message.objects.filter(case=review.case, direction="out").exists()


def test_without_mastodon_set_up_nothing_is_offered(
    fake: FakeMastodon, world: World, settings: Settings
) -> None:
    case, _ = mentioned_case(fake)
    settings.RAPPORT_MASTODON_URL = ""
    response = ApiClient(world.token_for(world.agent)).post(
        f"/cases/{case.pk}/replies", {"text": "Hello", "channel": "social"}
    )
    error = assert_error(response, 400, "bad_request", field="channel")
    # The case has a post to answer; what is missing is the desk's account there.
    assert "Rapport has no Mastodon account set up to answer from" in error["message"]
    assert not Message.objects.filter(case=case, direction="out").exists()
    page = world.client_for(world.agent).get(f"/cases/{case.pk}/")
    assert "Rapport has no Mastodon account set up to answer from" in page.content.decode()
    assert "no Mastodon or Bluesky post to reply to" not in page.content.decode()


def test_a_reply_whose_job_was_lost_is_posted_by_the_outbox_sweep(
    fake: FakeMastodon, world: World
) -> None:
    case, latest = mentioned_case(fake)
    # No on-commit callbacks run: the delivery job is lost, the reply waits queued.
    message = reply(case=case, text="On it.", by=world.agent, channel="social")
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.QUEUED and fake.posted == []

    run_sweeps(now=timezone.now() + timedelta(minutes=11))  # past the outbox's grace

    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT, message.delivery_error
    [posted] = fake.posted
    assert posted["form"]["in_reply_to_id"] == latest


def test_an_email_case_is_not_offered_social_and_costs_no_query(
    fake: FakeMastodon, world: World
) -> None:
    with CaptureQueriesContext(connection) as queries:
        offered = [t.channel for t in transports.reachable_channels(world.case, identities=[])]
    assert "social" not in offered
    assert not [q for q in queries.captured_queries if "social_socialpost" in q["sql"]]


def test_a_mastodon_post_from_the_webhook_is_not_answered_by_its_id_on_the_desks_instance(
    fake: FakeMastodon, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    # A stranger's status on the desk's instance (never a mention of the desk's account)...
    stranger = fake.mention("<p>my own business</p>", acct="zoe", display_name="Zoe")
    # ...and Maria's post on her own instance, sent by the webhook: the same number, elsewhere.
    maria = ingest_post(
        post=IncomingPost(
            platform="mastodon",
            post_id=stranger["status"]["id"],
            author_handle="maria@far.example",
            author_name="Maria",
            text="Where is my refund?",
            url=f"https://far.example/@maria/{stranger['status']['id']}",
            posted_at=NOW,
        ),
        source="webhook",
    )

    response = reply_by_api(world, maria.case, django_capture_on_commit_callbacks)

    error = assert_error(response, 400, "bad_request", field="channel")
    assert "The desk's account cannot answer these posts" in error["message"]
    assert fake.posted == []  # Maria's answer never went to Zoe's status
    assert not Message.objects.filter(case=maria.case, direction="out").exists()


def test_a_survey_is_never_posted_in_public(fake: FakeMastodon, world: World) -> None:
    # Maria, known by her Mastodon handle alone, was helped on Mastodon and the case resolved:
    # her survey (a private link: whoever holds it answers as her) is not a public post.
    case, _ = mentioned_case(fake)
    Case.objects.filter(pk=case.pk).update(owner=world.agent)
    case.refresh_from_db()
    survey = helped_and_resolved(world, NOW, case=case)

    sweep_at(survey.due_at)

    survey.refresh_from_db()
    assert survey.channel != "social" and survey.message is None
    assert survey.status == SurveyStatus.SKIPPED and survey.skip_reason == SkipReason.UNREACHABLE
    assert not Message.objects.filter(case=case, direction="out", author__isnull=True).exists()
