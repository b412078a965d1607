"""The social tests' shared setup: the desk's clock stopped at `NOW` (a Monday morning, the
night clinic on shift) and Maria's posts on two platforms (tests/social/posts.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine

from tests.social.posts import NOW


@pytest.fixture
def at_now() -> Iterator[None]:
    """The clock stopped at NOW for the whole test."""
    with time_machine.travel(NOW, tick=False):
        yield
