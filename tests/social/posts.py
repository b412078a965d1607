"""Posts the social tests take in (Maria complaining on Mastodon and on Bluesky, and Maria Lopez's
two-star review, a few minutes before `NOW`), and an agent's reply to one through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from rapport.cases.models import Case
from rapport.social.actions.ingest import IncomingPost
from tests.api.conftest import ApiClient
from tests.conftest import World

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # a Monday, the clinic on shift

ON_MASTODON = IncomingPost(
    platform="mastodon",
    post_id="109999",
    author_handle="@Maria@Social.Example",
    author_name="Maria L.",
    text="Three days waiting for my refund. Nobody answers your email.",
    url="https://social.example/@maria/109999",
    posted_at=NOW - timedelta(minutes=2),
)

ON_BLUESKY = IncomingPost(
    platform="bluesky",
    post_id="at://did:plc:x/app.bsky.feed.post/1",
    author_handle="maria.bsky.social",
    author_name="Maria",
    text="My booking vanished from the app.",
    url="https://bsky.app/profile/maria.bsky.social/post/1",
    posted_at=NOW - timedelta(minutes=5),
)

REVIEW = IncomingPost(
    platform="trustpilot",
    post_id="r-77",
    author_handle="lopez_m",
    author_name="Maria Lopez",
    text="Kind vets, but the bill was a surprise.",
    url="https://trustpilot.example/reviews/r-77",
    posted_at=NOW - timedelta(minutes=10),
    rating=2,
)


def reply_by_api(world: World, case: Case, on_commit: Any, **body: Any) -> Any:
    """Dr. Ana Ortiz replies through the API; the outbox delivers on commit (synchronously)."""
    with on_commit(execute=True):
        return ApiClient(world.token_for(world.agent)).post(
            f"/cases/{case.pk}/replies",
            {"text": "Refunded today, sorry for the wait.", "channel": "social", **body},
        )
