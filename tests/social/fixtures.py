"""The fake Mastodon instance and Bluesky PDS the desk is set up to listen to, as fixtures for
the social tests and the browser tests that answer posts (imported by tests/social/conftest.py
and tests/browser/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_django.fixtures import Settings
from pytest_httpserver import HTTPServer

from rapport.social import bluesky
from tests.conftest import World
from tests.social import fake_bluesky, fake_mastodon
from tests.social.fake_bluesky import FakeBluesky
from tests.social.fake_mastodon import FakeMastodon


@pytest.fixture
def fake(httpserver: HTTPServer, settings: Settings, world: World) -> FakeMastodon:
    """A fake Mastodon instance on loopback, RAPPORT_MASTODON_URL and _TOKEN pointing at it."""
    return fake_mastodon.configured(httpserver, settings)


@pytest.fixture
def pds(httpserver: HTTPServer, settings: Settings, world: World) -> Iterator[FakeBluesky]:
    """A fake Bluesky PDS on loopback, RAPPORT_BLUESKY_* pointing at it."""
    bluesky.forget_sessions()  # each test signs in to its own fake
    yield fake_bluesky.configured(httpserver, settings)
    bluesky.forget_sessions()
