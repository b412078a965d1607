"""The fake Mastodon instance (`fake`) and Bluesky PDS (`pds`) for the tests that answer a post
from the case page, shared with tests/social (tests/social/fixtures.py)."""

from __future__ import annotations

from tests.social.fixtures import fake, pds

__all__ = ["fake", "pds"]
