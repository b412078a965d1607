"""The social tests' shared setup: the desk's clock stopped at `NOW` (a Monday morning, the
night clinic on shift), Maria's posts on two platforms (tests/social/posts.py), and the fake
Mastodon instance (`fake`) and Bluesky PDS (`pds`) the desk listens to
(tests/social/fixtures.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine

from tests.social.fixtures import fake, pds
from tests.social.posts import NOW

__all__ = ["at_now", "fake", "pds"]  # the fixtures of every social test


@pytest.fixture
def at_now() -> Iterator[None]:
    """The clock stopped at NOW for the whole test."""
    with time_machine.travel(NOW, tick=False):
        yield
