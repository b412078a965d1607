"""Posts the social tests take in: Maria complaining on Mastodon and on Bluesky, a few minutes
before `NOW`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rapport.social.actions.ingest import IncomingPost

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
